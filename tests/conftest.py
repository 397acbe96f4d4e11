"""Shared fixtures: moto in-process AWS, the catalogue, and a helper that collects like a scan does."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from drcheck.collect.plan import make_plan
from drcheck.collect.runner import AccountTarget, collect
from drcheck.collect.session import client_config, make_client_factory
from drcheck.pipeline import Catalogue, load_catalogue

ACCOUNT = "123456789012"
DEMO_HOSTILE_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="session", autouse=True)
def history_sandbox(tmp_path_factory):
    """No test writes the user's real files: every run (in-process or a CLI subprocess, which inherits
    the environment) records its history, creates its redaction key (~/.config/drcheck/redact.key)
    and reads ~/.aws in this test process's temp folder unless told otherwise."""
    sandbox = tmp_path_factory.getbasetemp()
    home = sandbox / "home"
    home.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DRCHECK_HISTORY", str(sandbox / "history.sqlite3"))
        patch.setenv("XDG_DATA_HOME", str(sandbox / "data"))
        patch.setenv("XDG_CONFIG_HOME", str(sandbox / "config"))
        patch.setenv("HOME", str(home))
        patch.delenv("DRCHECK_REDACT_KEY", raising=False)  # the key file path is what the tests exercise
        yield sandbox


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


def report_folder(output_dir: Path) -> Path:
    """Where a run's files are: the output dir itself, or its `latest` run folder when runs are published there."""
    latest = output_dir / "latest"
    return latest if latest.is_dir() else output_dir


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory) -> Path:
    """`drcheck demo` run once for the whole test session, by the real CLI in a subprocess: the folder
    with its reports. The first xdist worker to get here runs it, under a file lock; the others wait
    for it and reuse the same files (read them; write anywhere else)."""
    # Common to every xdist worker of this session (each worker's basetemp is a folder in it).
    basetemp = tmp_path_factory.getbasetemp()
    shared = basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp
    out = shared / "demo-report"
    with open(shared / "demo-report.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # no timeout: the demo takes as long as the machine needs
        if not (shared / "demo-report.done").exists():
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            result = subprocess.run([sys.executable, "-m", "drcheck", "demo", "--output-dir", str(out), "--quiet"],
                                    capture_output=True, text=True, env=env, cwd=shared)
            assert result.returncode == 0, result.stderr
            (shared / "demo-report.done").write_text(result.stderr)
    return report_folder(out)


@pytest.fixture(scope="session")
def demo_assessment(catalogue):
    """The demo company, emulated and scanned once per test process, plus one volume with a hostile name."""
    from drcheck.collect.session import open_account
    from drcheck.demo.emulator import MissingApiEmulator
    from drcheck.demo.run import demo_session, emulated_aws
    from drcheck.demo.seed import seed_company
    from drcheck.pipeline import assess, run_collection

    with emulated_aws():
        session = demo_session()
        MissingApiEmulator().install(session)
        company = seed_company(session)
        session.client("ec2").create_volume(
            AvailabilityZone="us-east-1a", Size=1,
            TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": DEMO_HOSTILE_NAME}]}])
        account = open_account(session, regions=company["regions"], all_regions=False)
        inventory = run_collection(catalogue, [account], client_factory=make_client_factory(client_config(4, 1)),
                                   max_workers=4)
    return assess(catalogue, inventory)


@pytest.fixture
def aws(monkeypatch):
    """moto's in-process AWS and a boto3 Session on it (AWS_ENDPOINT_URL would bypass the mock)."""
    from moto import mock_aws

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        yield boto3.Session(region_name="us-east-1")


def account(session, regions=("us-east-1",)) -> AccountTarget:
    return AccountTarget(session=session, account_id=ACCOUNT, partition="aws", regions=list(regions))


def collect_types(session, catalogue: Catalogue, needs, regions=("us-east-1",), max_workers=4) -> dict:
    """Collect (resource type, field roots) needs the way a scan does; returns the inventory."""
    plan = make_plan(needs, catalogue.collectors, catalogue.linkers)
    factory = make_client_factory(client_config(max_workers, max_attempts=1))
    return collect(plan, [account(session, regions)], client_factory=factory, max_workers=max_workers)


def collect_for_rules(session, catalogue: Catalogue, rule_ids, regions=("us-east-1",)) -> dict:
    rules = [r for r in catalogue.rules if r.id in set(rule_ids)]
    return collect_types(session, catalogue, [(r.resource_type, r.field_roots()) for r in rules], regions)


def verdicts(findings, rule_id) -> dict[str, str]:
    """resource name -> status for one rule."""
    return {f["resource_name"]: f["status"] for f in findings if f["rule_id"] == rule_id}


@pytest.fixture
def no_aws_env(monkeypatch, tmp_path):
    """An environment with no AWS credentials or config at all."""
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return tmp_path


def fail_calls(session, operation: str, code: str = "AccessDenied", status: int = 403) -> list:
    """Make every `service.Operation` call on clients made from `session` fail with `code`.

    Uses botocore's before-call hook (as Stubber does); returns a list that records each call.
    """
    from botocore.awsrequest import AWSResponse

    calls: list = []

    def respond(**kwargs):
        calls.append(kwargs.get("params"))
        parsed = {"Error": {"Code": code, "Message": f"simulated {code}"},
                  "ResponseMetadata": {"HTTPStatusCode": status}}
        return AWSResponse("https://denied.invalid/", status, {}, None), parsed

    session.events.register(f"before-call.{operation}", respond)
    return calls


def count_calls(session) -> dict:
    """Count every operation called on clients made from `session`, by 'service.Operation'."""
    counts: dict = {}

    def record(model, **_):
        key = f"{model.service_model.service_id.hyphenize()}.{model.name}"
        counts[key] = counts.get(key, 0) + 1

    session.events.register("before-call", record)
    return counts
