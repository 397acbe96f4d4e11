"""The bad-input fuzzer (tests/fuzzing.py) at small scale: a few hundred deterministic cases, each a
complete report or one line and exit 2 — never exit 3, a traceback or a hang.

DRCHECK_FUZZ_MUTATIONS=N scales the generated part (bench/fuzz.py runs a larger set and counts outcomes).
Cases run in-process through drcheck's entry point; the rule catalogue is loaded once (what the
cases vary is their input, not drcheck's own rules).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from drcheck.errors import UserError
from tests.conftest import report_folder
from tests.fuzzing import Run, cases, shrink

CASES = {case.id: case for case in cases(int(os.environ.get("DRCHECK_FUZZ_MUTATIONS", "150")))}


@pytest.fixture(scope="session")
def base_inventory(demo_report, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "base-inventory.json"
    path.write_text(json.dumps(shrink(json.loads((demo_report / "inventory.json").read_text()))))
    return path


@pytest.fixture(scope="session")
def catalogue_once():
    """load_catalogue memoised by its arguments, for the whole session."""
    from drcheck import pipeline

    real = pipeline.load_catalogue
    loaded: dict[str, object] = {}

    def load_catalogue(extra_rule_dirs=(), **kwargs):
        key = repr((tuple(str(d) for d in extra_rule_dirs), sorted(kwargs.items())))
        if key not in loaded:
            loaded[key] = real(extra_rule_dirs, **kwargs)
        return loaded[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "load_catalogue", load_catalogue)
        yield


def execute(run: Run, monkeypatch, capsys, folder: Path) -> tuple[int, str]:
    """(exit code, stderr) of one case, as a user would see them."""
    from drcheck.cli import main

    monkeypatch.chdir(folder)  # no ./drcheck.yaml from anywhere else
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    for key, value in {"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                       "AWS_EC2_METADATA_DISABLED": "true", **run.env}.items():
        monkeypatch.setenv(key, value)
    if run.function is not None:
        try:
            run.function()
        except UserError as exc:
            return 2, f"drcheck: {exc}\n"
        return 0, ""
    monkeypatch.setattr(sys, "argv", ["drcheck", *run.argv])
    with pytest.raises(SystemExit) as exit_:
        main()
    return exit_.value.code or 0, capsys.readouterr().err


def judge(run: Run, code: int, stderr: str) -> str:
    """The outcome class; fails the test for anything but a complete report or one clear line."""
    assert "Traceback" not in stderr, stderr
    assert not [path for path in run.forbidden if path.exists()], "a hostile input ran a command"
    if code in (0, 1):
        if run.out is not None:
            folder = report_folder(run.out)
            for name in run.outputs:
                content = (folder / name).read_bytes()
                assert content, f"{name} is empty"
                content.decode("utf-8")
        return "report"
    assert code == 2, f"exit {code}: {stderr}"
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("drcheck:"), stderr
    assert "internal error" not in lines[0]
    return "refused"


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_fuzz_case(case_id, base_inventory, catalogue_once, tmp_path, monkeypatch, capsys):
    run = CASES[case_id].build(tmp_path, base_inventory)
    code, stderr = execute(run, monkeypatch, capsys, tmp_path)
    judge(run, code, stderr)


def test_the_fuzzer_makes_a_few_hundred_cases():
    assert len(CASES) >= 300
    assert len({case_id.split("-")[0] for case_id in CASES}) >= 8  # inventory, config, rules, flags, env …
