"""The read-only guard, atomic outputs, and the score formula."""

import pytest

from drcheck.collect.guard import MutatingCallBlocked, is_read_only
from drcheck.collect.session import client_config, make_client_factory
from drcheck.errors import UserError
from drcheck.outputs import write_files
from drcheck.score import grade, score


def test_guard_blocks_a_mutating_call_before_it_is_sent(aws):
    client = make_client_factory(client_config(1, 1))(aws, "s3", "us-east-1")
    sent = []
    client.meta.events.register("before-send", lambda request, **_: sent.append(request))
    with pytest.raises(MutatingCallBlocked, match="s3:CreateBucket"):
        client.create_bucket(Bucket="should-not-exist")
    assert sent == []
    assert aws.client("s3").list_buckets()["Buckets"] == []
    client.list_buckets()  # reads still work
    assert len(sent) == 1


@pytest.mark.parametrize("operation,allowed", [
    ("DescribeDBInstances", True), ("ListBuckets", True), ("GetBucketVersioning", True), ("HeadBucket", True),
    ("AssumeRole", True), ("DeleteBucket", False), ("PutBucketVersioning", False), ("ModifyDBInstance", False),
    ("GetObject", False), ("GetSecretValue", False), ("CreateTags", False),
])
def test_read_only_allow_list(operation, allowed):
    assert is_read_only(operation) is allowed


def test_write_files_is_atomic_and_keeps_old_files_on_failure(tmp_path, monkeypatch):
    write_files(tmp_path, {"a.txt": b"old a", "b.txt": b"old b"})
    import os

    real_replace = os.replace

    def fail_on_b(src, dst):
        if str(dst).endswith("b.txt"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_b)
    with pytest.raises(UserError, match="No space left"):
        write_files(tmp_path, {"a.txt": b"new a", "b.txt": b"new b"})
    assert (tmp_path / "b.txt").read_bytes() == b"old b"  # never half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]  # no temp files left


def test_render_failure_writes_nothing(tmp_path, monkeypatch):
    from drcheck.report import outputs

    monkeypatch.setattr(outputs, "render_pdf", lambda *a, **k: (_ for _ in ()).throw(UserError("no Pango")))

    class Stub:
        inventory = {"accounts": [], "regions": []}
        findings = []
        scorecard = score([])
        rules = ()
        generated_at = "2026-01-01T00:00:00+00:00"
        suppressions = baseline = scorecard_with_suppressions = objectives = None

        def findings_document(self):
            return {}

    with pytest.raises(UserError):
        outputs.write_outputs(Stub(), tmp_path / "out", ("json", "pdf"), outputs.ReportOptions())
    assert not (tmp_path / "out").exists()


def _f(status, severity="high", category="backup", service="rds"):
    return {"status": status, "severity": severity, "category": category, "service": service}


def test_score_is_severity_weighted_and_unknown_lowers_coverage_only():
    card = score([_f("PASS", "critical"), _f("FAIL", "low"), _f("UNKNOWN"), _f("NOT_APPLICABLE")])
    assert card["overall"] == round(100 * 10 / 11, 1)
    assert card["coverage"] == round(100 * 2 / 3, 1)
    assert card["counts"] == {"PASS": 1, "FAIL": 1, "UNKNOWN": 1, "NOT_APPLICABLE": 1}


def test_unknown_never_counts_as_passing():
    assert score([_f("PASS"), _f("UNKNOWN"), _f("UNKNOWN")])["overall"] == 100.0
    assert score([_f("UNKNOWN")])["overall"] is None and score([_f("UNKNOWN")])["grade"] is None


def test_scores_by_category_and_service():
    card = score([_f("PASS", category="backup", service="rds"), _f("FAIL", category="replication", service="s3")])
    assert card["by_category"]["backup"]["score"] == 100.0
    assert card["by_category"]["replication"]["score"] == 0.0
    assert card["by_service"]["s3"]["grade"] == "F"


@pytest.mark.parametrize("value,letter", [(95, "A"), (90, "A"), (85, "B"), (75, "C"), (65, "D"), (10, "F"), (None, None)])
def test_grades(value, letter):
    assert grade(value) == letter
