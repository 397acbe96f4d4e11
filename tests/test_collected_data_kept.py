"""Collected data is never lost: the output folder is checked before any AWS call, and inventory.json
is written as soon as collection ends, so a failure while assessing or rendering keeps it."""

from __future__ import annotations

import json
import os
import sys

import pytest
from rich.console import Console

from drcheck.collect.session import client_config, make_client_factory
from drcheck.errors import UserError
from drcheck.outputs import check_output_dir
from drcheck.redact import Redactor
from drcheck.report.view import ReportOptions
from tests.conftest import ACCOUNT, account


def test_an_unusable_output_folder_is_refused_and_nothing_is_created(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for unusable in (blocker, blocker / "out", blocker / "deeper" / "out"):
        with pytest.raises(UserError, match="is not a folder"):
            check_output_dir(unusable)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    with pytest.raises(UserError, match="broken symbolic link"):
        check_output_dir(tmp_path / "dangling" / "out")
    check_output_dir(tmp_path / "new" / "folders")  # creatable: fine, and not created by the check
    check_output_dir(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "dangling"]


@pytest.mark.parametrize("command", ["scan", "collect"])
def test_the_output_folder_is_checked_before_any_aws_call(no_aws_env, tmp_path, monkeypatch, capsys, command):
    """With no credentials at all, a scan that looked at AWS first would fail on the credentials."""
    from drcheck.cli import main

    (tmp_path / "a-file").write_text("x")
    monkeypatch.chdir(tmp_path)
    argv = ["drcheck", command, "--region", "us-east-1", "--only", "s3", "-o", str(tmp_path / "a-file" / "out")]
    monkeypatch.setattr(sys, "argv", argv + (["--no-history"] if command == "scan" else []))
    with pytest.raises(SystemExit) as exit_:
        main()
    err = capsys.readouterr().err
    assert exit_.value.code == 2, err
    assert err.strip().splitlines() == [f"drcheck: Cannot use output directory {tmp_path / 'a-file' / 'out'}: "
                                        f"{tmp_path / 'a-file'} is not a folder"]


def _collect_and_report(aws, out, redact=False):
    from drcheck import runs
    from drcheck.pipeline import load_catalogue

    options = runs.AssessOptions(redactor=Redactor(b"test-key") if redact else None)
    return runs.collect_and_report(load_catalogue(only=["s3-bucket-versioning"]), [account(aws)], max_workers=2,
                                   client_factory=make_client_factory(client_config(2, max_attempts=1)),
                                   output_dir=out, formats="json", options=ReportOptions(), template_dir=None,
                                   console=Console(file=open(os.devnull, "w")), assess_options=options)


@pytest.mark.parametrize("redact", [False, True])
def test_the_inventory_is_kept_when_assessing_fails(aws, tmp_path, monkeypatch, capsys, redact):
    from drcheck import runs

    aws.client("s3").create_bucket(Bucket="kept-bucket")

    def broken_assessment(*_args, **_kwargs):
        raise RuntimeError("a bug after collection")

    monkeypatch.setattr(runs, "assess_inventory", broken_assessment)
    out = tmp_path / "report"
    with pytest.raises(RuntimeError, match="a bug after collection"):
        _collect_and_report(aws, out, redact)
    [kept] = (tmp_path / "report.runs").glob("*.inventory.json")
    assert f"The collected inventory is kept in {kept}" in " ".join(capsys.readouterr().err.split())
    text = kept.read_text()
    buckets = [r for r in json.loads(text)["resources"] if r["resource_type"] == "AWS::S3::Bucket"]
    assert len(buckets) == 1
    assert ("kept-bucket" in text) is not redact and (ACCOUNT in text) is not redact
    assert not out.exists(), "nothing half-made is published"
    assert [p.name for p in (tmp_path / "report.runs").iterdir()] == [kept.name], "no temp files"


def test_a_published_run_holds_the_inventory_and_nothing_is_left_beside_it(aws, tmp_path):
    aws.client("s3").create_bucket(Bucket="kept-bucket")
    _collect_and_report(aws, tmp_path / "report")
    assert "kept-bucket" in (tmp_path / "report" / "inventory.json").read_text()
    assert not list((tmp_path / "report.runs").glob("*.inventory.json"))
