"""Report templates from the user (--template-dir, drcheck.yaml report.template_dir) are untrusted:
rendered in Jinja's immutable sandbox, a missing folder is one line and exit 2, and the console says
when ./drcheck.yaml came from the working directory. Names that hide characters are flagged."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from drcheck.errors import UserError
from drcheck.paths import builtin_reports_dir
from drcheck.pipeline import assess
from drcheck.report.render import render_html
from drcheck.report.tabular import summary_markdown
from drcheck.report.view import ReportOptions, build_view
from tests.test_inventory_reader import BASE

# Each would run `touch <marker>` (or read the process's globals) in an unsandboxed environment.
ESCAPES = {
    "cycler globals": "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "joiner globals": "{{ joiner.__init__.__globals__.os.system('touch MARKER') }}",
    "namespace globals": "{{ namespace.__init__.__globals__.os.system('touch MARKER') }}",
    "lipsum globals": "{{ lipsum.__globals__['os'].system('touch MARKER') }}",
    "subclasses": "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
                  "{{ c(['touch', 'MARKER']) }}{% endif %}{% endfor %}",
    "format string": "{{ '{0.__class__.__init__.__globals__}'.format(cycler) }}",
    "mutate the view": "{{ view.actions.append(1) }}{{ view.update({'title': 'owned'}) }}",
    "range bomb": "{{ range(10 ** 12) | list | length }}",
    "division": "{{ 1 / 0 }}",
}


@pytest.fixture(scope="module")
def small_assessment(catalogue):
    return assess(catalogue, json.loads(json.dumps(BASE)))


def user_templates(folder: Path, cover: str) -> Path:
    templates = folder / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "_cover.html.j2").write_text(cover)
    return templates


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_a_hostile_template_cannot_reach_python(small_assessment, tmp_path, name):
    marker = tmp_path / "owned"
    templates = user_templates(tmp_path, ESCAPES[name].replace("MARKER", str(marker)))
    view = build_view(small_assessment, ReportOptions())
    with pytest.raises(UserError, match="Report template error"):
        render_html(view, [templates, builtin_reports_dir()])
    assert not marker.exists(), "the template ran a command"
    assert view["title"] != "owned"


def test_a_friendly_override_still_renders(small_assessment, tmp_path):
    templates = user_templates(tmp_path, '<header id="cover"><h1>{{ view.title | upper }} for '
                                         '{{ view.accounts | join(", ") }}</h1></header>')
    html = render_html(build_view(small_assessment, ReportOptions(title="Quarterly")), [templates,
                                                                                        builtin_reports_dir()])
    assert "<h1>QUARTERLY for 123456789012</h1>" in html


def test_hidden_characters_in_names_are_flagged_in_html_and_markdown(catalogue):
    data = json.loads(json.dumps(BASE))
    data["resources"][0]["name"] = "prod\u202egnp.exe\u200b"
    data["resources"][0]["tags"] = {"team": "co\u2066re"}
    data["resources"][0]["properties"]["BucketVersioning"] = {}  # never enabled: a failing, named resource
    assessment = assess(catalogue, data)
    view = build_view(assessment, ReportOptions())
    for text in (render_html(view, [builtin_reports_dir()]),
                 render_html(build_view(assessment, ReportOptions(), for_print=True), [builtin_reports_dir()],
                             for_print=True),
                 summary_markdown(view).decode("utf-8")):
        assert "prod[U+202E]gnp.exe[U+200B]" in text
        assert not any(c in text for c in "\u202e\u200b\u2066")


def cli(argv: list[str], monkeypatch, capsys, cwd: Path) -> tuple[int, str]:
    from drcheck.cli import main

    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", ["drcheck", *argv])
    with pytest.raises(SystemExit) as exit_:
        main()
    return exit_.value.code or 0, capsys.readouterr().err


@pytest.fixture
def inventory_file(tmp_path) -> Path:
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(BASE))
    return path


def _assess(inventory: Path, out: Path, *extra: str) -> list[str]:
    return ["assess", str(inventory), "-o", str(out), "--format", "md", "--no-history",
            "--only", "s3-bucket-versioning", *extra]


def test_a_missing_template_folder_is_one_line(inventory_file, tmp_path, monkeypatch, capsys):
    code, err = cli(_assess(inventory_file, tmp_path / "out", "--template-dir", str(tmp_path / "nope")),
                    monkeypatch, capsys, tmp_path)
    assert code == 2 and err.strip().splitlines() == [f"drcheck: --template-dir: template folder "
                                                      f"{tmp_path / 'nope'} does not exist"]
    (tmp_path / "drcheck.yaml").write_text("report:\n  template_dir: missing-templates\n")
    code, err = cli(_assess(inventory_file, tmp_path / "out"), monkeypatch, capsys, tmp_path)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "report.template_dir" in lines[0] and "missing-templates" in lines[0]
    assert not (tmp_path / "out").exists()


def test_the_console_says_when_the_working_directory_config_is_used(inventory_file, tmp_path, monkeypatch, capsys):
    (tmp_path / "drcheck.yaml").write_text("report:\n  client: ACME\n")
    code, err = cli(_assess(inventory_file, tmp_path / "out"), monkeypatch, capsys, tmp_path)
    assert code == 0
    assert f"Using settings from {tmp_path / 'drcheck.yaml'} (found in the working directory" in " ".join(err.split())
    code, err = cli(_assess(inventory_file, tmp_path / "out", "--config", str(tmp_path / "drcheck.yaml")),
                    monkeypatch, capsys, tmp_path)
    assert code == 0 and "working directory" not in err


@pytest.mark.parametrize("flag", ["--client", "--title", "--assessor"])
def test_undecodable_text_flags_are_one_line(inventory_file, tmp_path, monkeypatch, capsys, flag):
    # Bytes that are not UTF-8 on the command line reach Python as lone surrogates (\udcff).
    code, err = cli(_assess(inventory_file, tmp_path / "out", flag, "AC\udcffME"), monkeypatch, capsys, tmp_path)
    assert code == 2 and err.strip().splitlines() == [f"drcheck: {flag}: the text is not valid UTF-8 (check the "
                                                      "terminal's or the script's encoding)"]


def test_a_template_that_does_not_compile_is_refused_before_any_work(no_aws_env, tmp_path, monkeypatch, capsys):
    """Found when the folder is checked (a scan with no credentials at all fails on the template first)."""
    templates = user_templates(tmp_path, "<header>\n{% if %}</header>")
    code, err = cli(["scan", "--region", "us-east-1", "--only", "s3", "-o", str(tmp_path / "out"), "--no-history",
                     "--template-dir", str(templates)], monkeypatch, capsys, tmp_path)
    assert code == 2
    assert err.strip().splitlines() == [f"drcheck: --template-dir: template {templates / '_cover.html.j2'}:2: "
                                        "Expected an expression, got 'end of statement block'"]
