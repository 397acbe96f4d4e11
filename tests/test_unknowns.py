"""Structured unknowns (drcheck.unknowns): a failed call's cause is a value from the call to the
finding; only access-denied asks for a permission; no HTML body reaches a report."""

from __future__ import annotations

import copy
import json

import pytest
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from drcheck import unknowns
from drcheck.collect.calls import call_error
from drcheck.evaluate import evaluate
from drcheck.link import link
from drcheck.unknowns import ACCESS_DENIED, API_FAILED, Cause, Reason

HTML = "<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><p>boom</p></body></html>"


def client_error(code, status=400, message="nope"):
    return ClientError({"Error": {"Code": code, "Message": message},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "DescribeVolumes")


@pytest.mark.parametrize("exc,kind,code", [
    (client_error("AccessDenied", 403), ACCESS_DENIED, "AccessDenied"),
    (client_error("UnauthorizedOperation", 403), ACCESS_DENIED, "UnauthorizedOperation"),
    (client_error("ThrottlingException"), API_FAILED, "ThrottlingException"),
    (client_error("RequestLimitExceeded", 503), API_FAILED, "RequestLimitExceeded"),
    (client_error("InternalFailure", 500), API_FAILED, "InternalFailure"),
    (ClientError({"Error": {}, "ResponseMetadata": {"HTTPStatusCode": 502}}, "DescribeVolumes"), API_FAILED, "502"),
    (client_error("InvalidAction", 400, "The action DescribeVolumes is not valid"), API_FAILED, "InvalidAction"),
    (ResponseParserError(f"Unable to parse response (syntax error), invalid XML received:\nb'{HTML}'"),
     API_FAILED, "ResponseParserError"),
])
def test_only_access_denied_asks_for_a_permission(exc, kind, code):
    error = call_error("DescribeVolumes", "ec2:DescribeVolumes", exc)
    assert (error.kind, error.error_code) == (kind, code)
    assert error.cause().grant() == ("ec2:DescribeVolumes" if kind == ACCESS_DENIED else None)
    assert ("needs ec2:DescribeVolumes" in error.reason()) is (kind == ACCESS_DENIED)
    if kind == API_FAILED:
        assert f"the API failed ({code}" in error.reason()
    assert "<" not in error.message and "<" not in error.reason()


def test_an_html_error_page_is_named_not_quoted():
    text = unknowns.plain_message(f"Unable to parse response, invalid XML received: b'{HTML}'")
    assert text == "Unable to parse response, invalid XML received (the answer was an HTML page, not shown)"
    assert unknowns.plain_message(HTML) == "the answer was an HTML page (not shown)"
    assert len(unknowns.plain_message("x" * 5000)) == unknowns.MESSAGE_LIMIT


def test_reasons_keep_their_causes_when_joined_and_prefixed():
    denied = Cause(ACCESS_DENIED, "GetBackupSelection", "AccessDenied", "backup:GetBackupSelection")
    failed = Cause(API_FAILED, "ListBackupPlans", "ThrottlingException", "backup:ListBackupPlans")
    joined = unknowns.join([Reason("a", [denied]), "plain", Reason("b", [failed]), Reason("", [denied])])
    assert str(joined) == "a; plain; b" and joined.causes == (denied, failed)
    assert joined.prefixed("field: ").causes == (denied, failed)
    assert unknowns.permissions_to_grant(joined.causes) == ["backup:GetBackupSelection"]
    stored = unknowns.record(joined)
    assert unknowns.from_record(json.loads(json.dumps(stored))).causes == (denied, failed)


def test_old_inventories_get_the_kind_from_the_error_code():
    assert Cause.from_record({"operation": "X", "error_code": "AccessDenied", "permission": "s:X"}).grant() == "s:X"
    assert Cause.from_record({"operation": "X", "error_code": "Throttling", "permission": "s:X"}).grant() is None
    assert Cause.from_record({"reason": "not collected in this scan"}) is None


def _findings(catalogue, inventory):
    return evaluate(catalogue.rules, link(inventory, catalogue.linkers))


def _fail_listing(inventory, resource_type, error):
    changed = copy.copy(inventory)
    changed["collections"] = [
        {**c, "status": "error", "errors": [error]} if c["resource_type"] == resource_type else c
        for c in inventory["collections"]]
    return changed


def _error(kind, code, permission, operation="ListBackupSelections"):
    reason = f"{operation} failed: {code} (x)" + (f"; needs {permission}" if kind == ACCESS_DENIED else "")
    return {"kind": kind, "operation": operation, "error_code": code, "permission": permission,
            "message": "x", "reason": reason}


@pytest.mark.parametrize("kind,code,granted", [
    (ACCESS_DENIED, "AccessDenied", ["backup:ListBackupSelections"]),
    (API_FAILED, "ThrottlingException", []),
    (API_FAILED, "ResponseParserError", []),
])
def test_a_listing_behind_a_derived_fact_reaches_the_finding_as_its_cause(catalogue, demo_report, kind, code,
                                                                         granted):
    """The selections listing is read only by the backup-coverage linker: its failure reaches the
    findings through derived.backup_plans, as a cause (no prose is parsed on the way)."""
    inventory = json.loads((demo_report / "inventory.json").read_text())
    before = {(f["rule_id"], f["resource_id"]): f["status"] for f in _findings(catalogue, inventory)}
    error = _error(kind, code, "backup:ListBackupSelections")
    findings = _findings(catalogue, _fail_listing(inventory, "AWS::Backup::BackupSelection", error))
    became = [f for f in findings if f["status"] == "UNKNOWN" and before.get((f["rule_id"], f["resource_id"])) != "UNKNOWN"
              and f["resource_type"] != "AWS::Backup::BackupSelection"]
    assert len({f["rule_id"] for f in became}) >= 3
    for finding in became:
        assert {"kind": kind, "operation": "ListBackupSelections", "error_code": code,
                "permission": "backup:ListBackupSelections"} in finding["unknown_causes"], finding["rule_id"]
        assert ("backup:ListBackupSelections" in finding["missing_permissions"]) is bool(granted)


def test_every_linker_keeps_the_causes_of_its_inputs(catalogue, demo_report):
    """For every type and detail a linker reads: when its collection fails, every derived field that
    becomes unknown (or changes its reason) carries the failed call as a cause. A linker that words a
    reason with plain string formatting, dropping the causes, fails here."""
    inventory = json.loads((demo_report / "inventory.json").read_text())
    baseline = {(r["resource_type"], r["id"], k): v.get("reason")
                for r in link(inventory, catalogue.linkers).resources for k, v in r["unavailable"].items()}
    listed = {c["resource_type"] for c in inventory["collections"]}
    reads = {t for ln in catalogue.linkers for t in ln.reads}
    details = {(t, k) for ln in catalogue.linkers for t in {*ln.reads, *ln.provides} for k in ln.reads_of(t)
               if not k.startswith("derived.")}
    variants = []
    for resource_type in sorted(reads & listed):
        marker = f"test:List{resource_type.replace('::', '')}"
        variants.append((marker, _fail_listing(inventory, resource_type, _error(ACCESS_DENIED, "AccessDenied", marker))))
    for resource_type, key in sorted(details):
        marker = f"test:Get{key}"
        changed = copy.deepcopy(inventory)
        hits = 0
        for resource in changed["resources"]:
            if resource["resource_type"] == resource_type and key in resource["properties"]:
                del resource["properties"][key]
                resource["unavailable"][key] = _error(ACCESS_DENIED, "AccessDenied", marker, f"Get{key}")
                hits += 1
        if hits:
            variants.append((marker, changed))
    assert len(variants) > 40
    lost = []
    checked = 0
    for marker, changed in variants:
        for resource in link(changed, catalogue.linkers).resources:
            for key, entry in resource["unavailable"].items():
                if not key.startswith("derived.") or baseline.get((resource["resource_type"], resource["id"], key)) \
                        == entry.get("reason"):
                    continue
                checked += 1
                if marker not in unknowns.permissions_to_grant(unknowns.from_record(entry).causes):
                    lost.append(f"{marker}: {resource['resource_type']} {key}: {entry.get('reason')}")
    assert checked > 100
    assert not lost, "\n".join(sorted(set(lost))[:40])


class _Answering:
    """A client whose every operation answers the given body (an emulator's or a proxy's empty 200)."""

    def __init__(self, body):
        self.body = body

    def can_paginate(self, _method):
        return False

    def __getattr__(self, _method):
        return lambda **_params: dict(self.body)


@pytest.mark.parametrize("body,stored", [
    ({}, None),  # no member at all: no answer
    ({"Table": {"TableName": "t", "DeletionProtectionEnabled": True}}, {"TableName": "t",
                                                                        "DeletionProtectionEnabled": True}),
])
def test_a_2xx_answer_without_its_member_is_no_answer(catalogue, body, stored):
    """Issue 9 §2: `DescribeTable` answered `{}` was stored as Table = null, "not configured"."""
    from drcheck.collect.calls import run_details

    collector = catalogue.collectors["AWS::DynamoDB::Table"]
    detail = next(d for d in collector.details if d.key == "Table")
    resource = {"properties": {"TableName": "t"}, "unavailable": {}}
    errors = run_details(_Answering(body), collector, (detail,), resource)
    if stored is None:
        assert "Table" not in resource["properties"]
        entry = resource["unavailable"]["Table"]
        assert (entry["kind"], entry["error_code"]) == (API_FAILED, "MissingMember") and errors
        assert "has no Table" in entry["reason"] and "needs" not in entry["reason"]
    else:
        assert resource["properties"]["Table"] == stored and not errors


def test_a_documented_absence_still_needs_a_real_answer(catalogue):
    """DescribeSecret omits ReplicationStatus for a secret without replicas (a known "none"); an
    answer without even the secret's ARN is no answer."""
    from drcheck.collect.calls import run_details

    collector = catalogue.collectors["AWS::SecretsManager::Secret"]
    detail = next(d for d in collector.details if d.key == "ReplicationStatus")
    real = {"properties": {"ARN": "arn:aws:secretsmanager:us-east-1:1:secret:s"}, "unavailable": {}}
    assert run_details(_Answering({"ARN": "arn:aws:secretsmanager:us-east-1:1:secret:s"}), collector, (detail,),
                       real) == []
    assert real["properties"]["ReplicationStatus"] is None
    empty = {"properties": {"ARN": "arn:aws:secretsmanager:us-east-1:1:secret:s"}, "unavailable": {}}
    assert run_details(_Answering({}), collector, (detail,), empty)
    assert empty["unavailable"]["ReplicationStatus"]["error_code"] == "MissingMember"


def test_every_documented_absence_names_its_source_and_a_proof_of_answer(catalogue):
    for collector in catalogue.collectors.values():
        for detail in collector.details:
            if detail.absence_source is not None:
                assert detail.absence_source.startswith("https://docs.aws.amazon.com/"), detail.key
                assert detail.answered_by, detail.key
