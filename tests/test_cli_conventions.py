"""CLI conventions (issue 13): --version, completion, --debug, --no-color, -p, --endpoint-url, help that fits
80 columns with no Python types, and every usage error as one `drcheck: …` line with exit 2."""

from __future__ import annotations

import os
import re
import sys

import pytest

from drcheck import __version__
from drcheck.cli import main
from drcheck.cli.app import command


def run(monkeypatch, capsys, *args: str, columns: int = 80) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["drcheck", *args])
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.chdir("/")  # no ./drcheck.yaml from the working directory
    with pytest.raises(SystemExit) as exit_:
        main()
    out, err = capsys.readouterr()
    return exit_.value.code or 0, out, err


def _commands(node=None, path=()):
    node = node or command()
    subcommands = getattr(node, "commands", {})
    yield path
    for name, sub in sorted(subcommands.items()):
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands())


def test_every_command_is_listed():
    assert {" ".join(c) for c in COMMANDS} >= {"", "scan", "collect", "demo", "assess", "doctor", "diff", "permissions",
                                                "objectives", "whatif", "rules", "rules list", "rules show",
                                                "rules check"}


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "drcheck")
def test_help_fits_80_columns_and_shows_no_python_types(monkeypatch, capsys, path):
    code, out, err = run(monkeypatch, capsys, *path, "--help")
    assert code == 0 and err == ""
    assert "Usage: drcheck" in out
    too_wide = [line for line in out.splitlines() if len(line) > 80]
    assert not too_wide, too_wide
    assert "…" not in out, "a help cell was cut short"
    # Choices are shown as <a|b>; anything else in angle brackets is a Python type (<bool>, <list[str]>, <path>).
    types = re.findall(r"<[^>|\s]*>", out)
    assert not types, types
    if path and path != ("rules",):
        assert "--debug" in out and "--no-color" in out and "DRCHECK_DEBUG" in out


def test_help_lists_choices_and_environment(monkeypatch, capsys):
    _, out, _ = run(monkeypatch, capsys, "scan", "--help", columns=200)
    for text in ("a4|letter", "critical|high|medium|low", "html, pdf, json, csv, md", "-p", "--endpoint-url",
                 "AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_REGION", "AWS_MAX_ATTEMPTS", "DRCHECK_REDACT_KEY", "NO_COLOR"):
        assert text in out, text
    _, out, _ = run(monkeypatch, capsys, "assess", "--help", columns=200)
    assert "DRCHECK_REDACT_KEY" in out and "AWS_PROFILE" not in out  # assess makes no AWS calls


def test_choice_literals_match_the_model():
    from typing import get_args

    from drcheck.cli import options
    from drcheck.model import SEVERITIES
    from drcheck.report.outputs import FORMATS

    assert get_args(options.Severity) == SEVERITIES
    assert set(options.FORMAT_NAMES) == set(FORMATS)


def test_version(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "--version")
    assert code == 0 and out.strip() == f"drcheck {__version__}"


def test_shell_completion_script(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "--show-completion", "bash")
    assert code == 0 and "_DRCHECK_COMPLETE" in out


BAD_FLAGS = [
    (["scan", "--fail-under", "101"], "--fail-under"),
    (["scan", "--paper", "a5"], "'a5' is not one of 'a4', 'letter'"),
    (["assess", "x.json", "--fail-on", "severe"], "--fail-on"),
    (["scan", "--max-workers", "many"], "--max-workers"),
    (["collect", "--max-rate", "0"], "--max-rate"),
    (["assess"], "Missing argument 'INVENTORY'"),
    (["rules", "show"], "Missing argument 'RULE_ID'"),
    (["rules", "check"], "Missing argument 'DIR'"),
    (["diff", "old.json"], "Missing argument 'NEW'"),
    (["scna"], "No such command 'scna'"),
    (["scan", "--endpoint-url", "localhost:5000"], "--endpoint-url: 'localhost:5000' is not an http"),
    (["objectives", "a.json", "b.json"], "unexpected extra argument"),
]


@pytest.mark.parametrize(("args", "fragment"), BAD_FLAGS, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_usage_errors_are_one_line_and_exit_2(monkeypatch, capsys, args, fragment):
    code, out, err = run(monkeypatch, capsys, *args)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("drcheck: ") and fragment in lines[0], err


@pytest.mark.parametrize("path", [c for c in COMMANDS if c], ids=" ".join)
def test_unknown_flag_on_every_command(monkeypatch, capsys, path):
    code, _, err = run(monkeypatch, capsys, *path, "--no-such-flag")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("drcheck: ") and "--no-such-flag" in lines[0], err


def test_short_profile_flag(monkeypatch, capsys, no_aws_env):
    code, _, err = run(monkeypatch, capsys, "scan", "-p", "nope", "--region", "us-east-1")
    assert code == 2 and "AWS profile not found: nope" in err


def test_endpoint_url_reaches_botocore_and_is_put_back(monkeypatch, capsys, no_aws_env):
    """--endpoint-url is AWS_ENDPOINT_URL for the command's duration: every client, STS included, uses it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    code, _, err = run(monkeypatch, capsys, "doctor", "--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1")
    assert code == 2 and "http://127.0.0.1:9" in err, err  # STS was asked there and could not be reached
    assert "AWS_ENDPOINT_URL" not in os.environ


def _boom(*args, **kwargs):
    raise RuntimeError("kaboom")


def test_internal_errors_are_one_line_unless_debug(monkeypatch, capsys):
    monkeypatch.setattr("drcheck.pipeline.load_catalogue", _boom)
    monkeypatch.delenv("DRCHECK_DEBUG", raising=False)
    code, _, err = run(monkeypatch, capsys, "permissions")
    assert code == 3 and err.strip() == "drcheck: internal error: RuntimeError: kaboom (run with --debug for details)"
    for args in (["permissions", "--debug"], ["--debug", "permissions"]):
        monkeypatch.setattr(sys, "argv", ["drcheck", *args])
        with pytest.raises(RuntimeError, match="kaboom"):
            main()
    monkeypatch.setenv("DRCHECK_DEBUG", "1")  # the old spelling keeps working
    monkeypatch.setattr(sys, "argv", ["drcheck", "permissions"])
    with pytest.raises(RuntimeError, match="kaboom"):
        main()


@pytest.mark.parametrize("spelling", [["scan", "--no-color"], ["--no-color", "scan"], ["scan"]])
def test_no_color(monkeypatch, capsys, spelling):
    monkeypatch.setenv("FORCE_COLOR", "1")  # colour even though stderr is captured
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, _, err = run(monkeypatch, capsys, *spelling, "--endpoint-url", "bad")
    assert code == 2 and "--endpoint-url" in err
    assert ("\x1b[" in err) == ("--no-color" not in spelling), repr(err)
    assert "NO_COLOR" not in os.environ
    monkeypatch.setenv("NO_COLOR", "1")
    code, _, err = run(monkeypatch, capsys, "scan", "--endpoint-url", "bad")
    assert "\x1b[" not in err
