"""Set-up and packaging: the emulator is an optional extra, versions are bounded and pinned, and the
Makefile's bootstrap installs (as root) or names (otherwise) the Debian packages the tests need."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from drcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def requirements(group: str | None = None) -> list[Requirement]:
    texts = PROJECT["dependencies"] if group is None else PROJECT["optional-dependencies"][group]
    return [Requirement(text) for text in texts]


def test_the_emulator_is_only_in_the_demo_extra():
    assert not [r for r in requirements() if r.name == "moto"]
    assert [r.name for r in requirements("demo")] == ["moto"]


def test_every_dependency_is_bounded_and_pinned_within_its_bounds():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            [spec] = requirement.specifier
            assert spec.operator == "==", line
            pins[requirement.name.lower().replace("_", "-")] = spec.version
    for requirement in requirements() + requirements("demo") + requirements("dev"):
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name]), f"constraints.txt pins {name} {pins[name]} outside {requirement}"
    for requirement in requirements() + requirements("demo"):
        assert any(s.operator == "<" for s in requirement.specifier), f"{requirement} has no upper bound"


def test_demo_without_the_emulator_says_how_to_add_it(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "moto", None)  # import moto now raises ImportError
    monkeypatch.setattr(sys, "argv", ["drcheck", "demo", "-o", str(tmp_path / "out")])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and "pip install 'drcheck[demo]'" in lines[0], lines
    assert not (tmp_path / "out").exists()


def test_the_command_works_without_the_emulator(tmp_path):
    """Everything but the demo runs with moto absent (a consultant's install)."""
    code = ("import sys; sys.modules['moto'] = None; sys.argv = ['drcheck', 'rules', 'list', '--json']; "
            "from drcheck.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"id"' in result.stdout


def _fake_tools(bin_dir: Path, uid: str, log: Path) -> None:
    """dpkg knows no package; apt-get records its arguments; id -u answers `uid`."""
    tools = {
        "dpkg": "exit 1",
        "apt-get": f'echo "apt-get $*" >> {log}',
        "id": f'if [ "$1" = -u ]; then echo {uid}; else /usr/bin/id "$@"; fi',
    }
    bin_dir.mkdir()
    for name, body in tools.items():
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)


@pytest.mark.parametrize("target", ["test-system-packages", "system-packages"])
def test_bootstrap_installs_the_debian_packages_as_root(tmp_path, target):
    log = tmp_path / "apt.log"
    _fake_tools(tmp_path / "bin", "0", log)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    result = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), target], capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    installed = log.read_text().split()
    assert {"libpango-1.0-0", "fonts-dejavu-core"} <= set(installed)
    if target == "test-system-packages":
        assert {"chromium", "poppler-utils"} <= set(installed)
    else:
        assert "chromium" not in installed  # `make demo` does not need a browser


def test_bootstrap_names_the_missing_packages_in_one_line_when_not_root(tmp_path):
    log = tmp_path / "apt.log"
    _fake_tools(tmp_path / "bin", "1000", log)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    result = subprocess.run(["make", "--no-print-directory", "-s", "-C", str(ROOT), "test-system-packages"],
                            capture_output=True, text=True, env=env)
    assert result.returncode != 0
    [line] = [line for line in result.stdout.splitlines() if line.strip()]
    assert line.startswith("drcheck: missing Debian packages for the tests:")
    assert "chromium" in line and "poppler-utils" in line and "sudo apt-get install" in line
    assert not log.exists()


def test_ci_runs_the_readme_test_command_and_installs_nothing_itself():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [line for line in script.splitlines() if line.strip() and not line.startswith("#")]
    assert "make test" in commands[-1]
    assert "apt" not in script
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    [target] = [line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("test:")]
    assert {"lint", "typecheck"} <= set(target.split()[1:])  # CI's `make test` runs both


def test_a_clean_clone_has_everything_the_bootstrap_needs(tmp_path):
    """What CI gets: a fresh clone of this commit. Its `make test` and `make demo` create .venv from
    scratch with the pinned versions, install the Debian packages, then run (dry run: nothing installed)."""
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", head], check=True)
    assert not (clone / ".venv").exists()
    for target, last in (("test", "-m pytest"), ("demo", "drcheck demo")):
        plan = subprocess.run(["make", "-n", "--no-print-directory", "-C", str(clone), target], capture_output=True,
                              text=True, check=True).stdout
        steps = [line for line in plan.splitlines() if line.strip()]
        assert any("-m venv .venv" in step for step in steps), plan
        assert any('pip install --quiet -c constraints.txt -e ".[demo,dev]"' in step for step in steps), plan
        assert any("dpkg -s" in step and "libpango-1.0-0" in step for step in steps), plan
        assert last in steps[-1], plan
    for tracked in ("constraints.txt", ".ci/run", "LICENSE", "pyproject.toml"):
        assert (clone / tracked).is_file(), tracked
