"""Fault injection: the real CLI scans an emulated account through a proxy that breaks AWS's answers.

Every fault kind ends in a complete report (inventory included) with UNKNOWNs where an answer
was lost, never exit 3, never a hang, and never a verdict the undisturbed scan did not give.
Deadlines are configured short for the faults that hold a call (3 s), so each case takes seconds;
nothing here asserts on speed: the 900 s subprocess limit only catches a real hang.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from tests.conftest import report_folder
from tests.faultproxy import Fault, FaultProxy

HANG_GUARD = 900  # seconds; only a hang reaches it
SERVICES = ("dynamodb", "rds", "s3", "backup")
FORMATS = "json,csv,md,html"
OUTPUTS = ("inventory.json", "findings.json", "findings.csv", "summary.md", "report.html")
# One operation per protocol: JSON (DynamoDB), query XML (RDS), REST-XML (S3), REST-JSON (Backup).
TARGETS = r"DescribeTable |DescribeDBInstances |GET /[a-z0-9-]+\?versioning|GET /backup/plans/[^/]+/?($|\?)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def moto_account(tmp_path_factory):
    """moto's HTTP server, in its own process (moto's state is per process: another module's server in
    this worker must not see our company), with the demo company seeded (Backup selections and DLM
    answered locally by the seeding session)."""
    from drcheck.demo.emulator import MissingApiEmulator
    from drcheck.demo.seed import seed_company

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        started = time.monotonic()
        while not _accepts(port):
            assert server.poll() is None and time.monotonic() - started < HANG_GUARD, "moto's server did not start"
            time.sleep(0.1)
        endpoint = f"http://127.0.0.1:{port}"
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                region_name="us-east-1")
        MissingApiEmulator().install(session)
        saved = os.environ.get("AWS_ENDPOINT_URL")
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        try:
            seed_company(session)
        finally:
            if saved is None:
                os.environ.pop("AWS_ENDPOINT_URL")
            else:
                os.environ["AWS_ENDPOINT_URL"] = saved
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=HANG_GUARD)
        log.close()


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _environment(endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "2", "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"})
    return env


def _scan_args(out: Path, *extra: str, formats: str = FORMATS) -> list[str]:
    only = [arg for service in SERVICES for arg in ("--only", service)]
    return [sys.executable, "-m", "drcheck", "scan", "--region", "us-east-1", *only,
            "--format", formats, "-o", str(out), "-q", *extra]


def scan(endpoint: str, faults: list[Fault], out: Path, *extra: str) -> tuple[subprocess.CompletedProcess, FaultProxy]:
    """A scan through the faults. Calls get 30 s (far more than moto needs, however busy the machine);
    the kinds that hold a call forever get 3 s, so they end in seconds."""
    holds = any(f.kind in ("stall", "trickle") for f in faults)
    proxy = FaultProxy(endpoint, faults)
    with proxy as url:
        result = subprocess.run(_scan_args(out, "--call-deadline", "3s" if holds else "30s", *extra),
                                capture_output=True, text=True, env=_environment(url), cwd=out.parent,
                                timeout=HANG_GUARD)
    return result, proxy


def _key(finding: dict) -> tuple:
    # Not the Region: a bucket whose location call failed is reported in Region "unknown".
    name = str(finding["resource_name"]).replace("\ufffd", "")
    return finding["rule_id"], finding["account_id"], name


def complete_report(result: subprocess.CompletedProcess, out: Path) -> dict:
    """The run ended well: exit 0, no traceback, every output there and valid UTF-8; the findings."""
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    out = report_folder(out)
    for name in OUTPUTS:
        content = (out / name).read_bytes()
        assert content, name
        content.decode("utf-8")  # strict: a lone surrogate could not have been written
    inventory = json.loads((out / "inventory.json").read_text())
    assert inventory["resources"], "the inventory kept what was collected"
    return json.loads((out / "findings.json").read_text())


@pytest.fixture(scope="module")
def baseline(moto_account, tmp_path_factory) -> dict[tuple, str]:
    out = tmp_path_factory.mktemp("baseline") / "report"
    result, _ = scan(moto_account, [], out)
    return {_key(f): f["status"] for f in complete_report(result, out)["findings"]}


CASES = {
    "malformed": [Fault("malformed", TARGETS)],
    "html": [Fault("html", TARGETS)],
    "empty": [Fault("empty", TARGETS)],
    "surrogate": [Fault("surrogate", r"dynamodb|backup")],
    "stall": [Fault("stall", TARGETS)],
    "trickle": [Fault("trickle", TARGETS, interval=1.0)],  # a byte a second never trips the read timeout
    "reset": [Fault("reset", TARGETS)],
    "deny": [Fault("deny", TARGETS)],
    "throttle": [Fault("throttle", r".", probability=0.3)],
}


@pytest.fixture(scope="module")
def fault_scans(moto_account, tmp_path_factory):
    """kind -> (findings, proxy) of one scan through that fault, run once per module."""
    done: dict[str, tuple[list[dict], FaultProxy]] = {}

    def run(kind: str) -> tuple[list[dict], FaultProxy]:
        if kind not in done:
            out = tmp_path_factory.mktemp(kind) / "report"
            result, proxy = scan(moto_account, CASES[kind], out)
            done[kind] = (complete_report(result, out)["findings"], proxy)
        return done[kind]

    return run


def false_verdicts(findings: list[dict], baseline: dict[tuple, str]) -> list[tuple]:
    """Verdicts the undisturbed scan did not give: a PASS/FAIL it judged otherwise, or one of its
    PASS/FAIL findings gone without an UNKNOWN for its scope (a lost list must not read as "none")."""
    wrong = [(f["rule_id"], f["resource_name"], baseline[_key(f)], f["status"]) for f in findings
             if f["status"] in ("PASS", "FAIL") and _key(f) in baseline and baseline[_key(f)] != f["status"]]
    present = {_key(f) for f in findings}
    scopes = {(f["rule_id"], f["account_id"]) for f in findings if f["resource_id"] == "*" and f["status"] == "UNKNOWN"}
    for key, status in baseline.items():
        rule, account, name = key
        if status in ("PASS", "FAIL") and key not in present and (rule, account) not in scopes:
            wrong.append((rule, name, status, "missing"))
    return wrong


@pytest.mark.parametrize("kind", sorted(CASES))
def test_fault_ends_in_a_complete_report_with_unknowns(fault_scans, baseline, kind):
    findings, proxy = fault_scans(kind)
    assert proxy.faulted(kind), "the fault was injected"
    unknown = [f for f in findings if f["status"] == "UNKNOWN"]
    assert all(f.get("reason") for f in unknown), "every UNKNOWN says why"
    if kind not in ("throttle", "surrogate"):
        assert len(unknown) > sum(1 for status in baseline.values() if status == "UNKNOWN")
    if kind != "empty":  # see the next test
        assert false_verdicts(findings, baseline) == []


def test_an_answer_without_its_member_gives_no_verdict(fault_scans, baseline):
    """Issue 9 §2: an HTTP 200 without the member a detail keeps (a proxy's page, an emulator's empty
    answer) was stored as "not configured" (null) and read as a known absence."""
    findings, _ = fault_scans("empty")
    assert false_verdicts(findings, baseline) == []


def test_scan_deadline_writes_the_report_with_what_was_collected(moto_account, tmp_path):
    out = tmp_path / "report"
    proxy = FaultProxy(moto_account, [Fault("stall", r"DescribeTable ")])
    with proxy as url:
        result = subprocess.run(_scan_args(out, "--call-deadline", "10m", "--scan-deadline", "4s"),
                                capture_output=True, text=True, env=_environment(url), cwd=tmp_path,
                                timeout=HANG_GUARD)
    findings = complete_report(result, out)["findings"]
    tables = [f for f in findings if f["resource_type"] == "AWS::DynamoDB::Table"]
    assert tables and all(f["status"] in ("UNKNOWN", "NOT_APPLICABLE") for f in tables)
    assert any("scan deadline" in f.get("reason", "") for f in tables)
    inventory = json.loads((report_folder(out) / "inventory.json").read_text())
    assert "scan deadline" in inventory["stopped_early"]["reason"]


def test_ctrl_c_stops_at_once_prints_one_line_and_keeps_the_previous_report(moto_account, tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "report.html").write_text("previous report")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    proxy = FaultProxy(moto_account, [Fault("stall", r"DescribeTable |DescribeDBInstances ")])
    with proxy as url:
        process = subprocess.Popen(_scan_args(out, "--call-deadline", "10m", formats="json,pdf"), env=_environment(url),
                                   cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        waited = time.monotonic()
        while not proxy.faulted("stall") and time.monotonic() - waited < HANG_GUARD:
            time.sleep(0.1)
        assert proxy.faulted("stall"), "the scan reached the stalled calls"
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        interrupted_at = time.monotonic()
        _, stderr = process.communicate(timeout=HANG_GUARD)
    after_signal = [entry for entry in proxy.log if entry.at > interrupted_at + 0.5]
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert [line for line in stderr.splitlines() if line.strip()] == ["drcheck: interrupted"], stderr
    # Queued calls are cancelled, not run. What may still arrive is bounded by the 16 workers, not by
    # the queue: each worker's in-flight call, plus at most one it began before the main thread set the
    # cancellation (a signal handler runs late on a busy machine). A bound of 16 failed at 17-28 when
    # the machine was busy: it measured the machine's speed, not the cancellation.
    workers = 16
    assert len(after_signal) <= 2 * workers, f"queued calls were cancelled, not run ({len(after_signal)} arrived)"
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("kind", ["html", "malformed"])
def test_doctor_reports_an_unreadable_answer_like_scan_does(moto_account, tmp_path, kind):
    """A proxy's HTML page (or a cut answer) instead of a list call's answer: a problem named in the table,
    exit 1 (a check failed), never exit 3."""
    proxy = FaultProxy(moto_account, [Fault(kind, r"ListTables ")])
    with proxy as url:
        result = subprocess.run([sys.executable, "-m", "drcheck", "doctor", "--region", "us-east-1", "--only", "dynamodb"],
                                capture_output=True, text=True, env={**_environment(url), "COLUMNS": "200"},
                                cwd=tmp_path, timeout=HANG_GUARD)
    assert proxy.faulted(kind), "the fault was reached"
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "dynamodb:ListTables" in result.stdout and "problem" in result.stdout
    assert "UNKNOWN" in result.stdout


def test_a_failure_after_collection_keeps_the_inventory(moto_account, tmp_path):
    """A template that compiles but fails while rendering: the report is refused (exit 2, one line
    saying why, one saying where the inventory is), and the collected inventory.json is there."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "_cover.html.j2").write_text("{{ view.no_such_part.title }}")
    out = tmp_path / "report"
    result, _ = scan(moto_account, [], out, "--template-dir", str(templates))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = " ".join(result.stderr.split())
    assert "drcheck: Report template error" in lines
    kept = re.search(r"The collected inventory is kept in (\S+) \(drcheck assess", lines)
    assert kept, lines
    inventory = json.loads(Path(kept.group(1)).read_text())
    assert inventory["resources"] and inventory["collections"]
    assert not out.exists(), "no run was published: the output folder shows no half-made report"
