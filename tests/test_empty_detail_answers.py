"""An HTTP 200 detail answer without its member (GetBackupPlan, GetBackupSelection, GetLifecyclePolicy
answering `{}`, stored as null) makes that one resource's facts unknown, with the reason; its
neighbours are linked as usual. (A linker that raised instead would be contained by the link stage,
but every resource it serves would then be unknown: the guard must be per resource.)"""

from __future__ import annotations

import pytest

from drcheck.link import link
from drcheck.linkers import load_linkers
from tests.test_linkers import _link, _ok, _resource

PLAN_BODY = {"BackupPlanName": "daily", "Rules": [{"RuleName": "r", "ScheduleExpression": "cron(0 5 ? * * *)",
                                                   "Lifecycle": {"DeleteAfterDays": 35}}]}
POLICY_BODY = {"State": "ENABLED", "PolicyDetails": {"PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
                                                     "ResourceTypes": ["VOLUME"],
                                                     "TargetTags": [{"Key": "snap", "Value": "yes"}],
                                                     "Schedules": [{"Name": "s", "CreateRule": {"Interval": 24,
                                                                                                "IntervalUnit": "HOURS"},
                                                                    "RetainRule": {"Count": 7}}]}}


@pytest.mark.parametrize("empty", [None, [], "x", 5])
def test_a_plan_without_its_body_is_unknown_alone(empty):
    good = _resource("AWS::Backup::BackupPlan", "good", properties={"BackupPlan": PLAN_BODY})
    bad = _resource("AWS::Backup::BackupPlan", "bad", properties={"BackupPlan": empty})
    linked = _link([good, bad], [_ok("AWS::Backup::BackupPlan"), _ok("AWS::Backup::BackupSelection")])
    assert linked["good"]["derived"]["retention"] == [{"RuleName": "r", "Copy": False, "DeleteAfterDays": 35}]
    for name in ("copy_destinations", "rule_schedules", "retention"):
        assert name not in linked["bad"]["derived"]
        assert "the answer has no BackupPlan" in linked["bad"]["unavailable"][f"derived.{name}"]["reason"]


@pytest.mark.parametrize("empty", [None, [], "x"])
def test_a_selection_without_its_body_leaves_the_other_selections_working(empty):
    plan = _resource("AWS::Backup::BackupPlan", "p1", properties={"BackupPlan": PLAN_BODY})
    good = _resource("AWS::Backup::BackupSelection", "sel-good", properties={
        "BackupPlanId": "p1", "BackupSelection": {"SelectionName": "all", "IamRoleArn": "r",
                                                "Resources": ["arn:aws:ec2:*:*:volume/*"]}})
    bad = _resource("AWS::Backup::BackupSelection", "sel-bad", properties={"BackupPlanId": "p1",
                                                                           "BackupSelection": empty})
    volume = _resource("AWS::EC2::Volume", "vol-1", arn="arn:aws:ec2:us-east-1:111122223333:volume/vol-1")
    linked = _link([plan, good, bad, volume], [_ok("AWS::Backup::BackupPlan"), _ok("AWS::Backup::BackupSelection"),
                                               _ok("AWS::EC2::Instance")])
    assert [c["SelectionName"] for c in linked["vol-1"]["derived"]["backup_plans"]] == ["all"]


@pytest.mark.parametrize("empty", [None, [], "x"])
def test_a_lifecycle_policy_without_its_body_is_unknown_alone(empty):
    good = _resource("AWS::DLM::LifecyclePolicy", "policy-good", properties={"Policy": POLICY_BODY})
    bad = _resource("AWS::DLM::LifecyclePolicy", "policy-bad", properties={"Policy": empty})
    tagged = _resource("AWS::EC2::Volume", "vol-1", tags={"snap": "yes"}, properties={"Attachments": []})
    untagged = _resource("AWS::EC2::Volume", "vol-2", properties={"Attachments": []})
    linked = _link([good, bad, tagged, untagged], [_ok("AWS::DLM::LifecyclePolicy"), _ok("AWS::EC2::Instance")])
    assert linked["policy-good"]["derived"]["schedules"][0]["IntervalHours"] == 24
    assert "the answer has no Policy" in linked["policy-bad"]["unavailable"]["derived.schedules"]["reason"]
    assert [p["PolicyId"] for p in linked["vol-1"]["derived"]["dlm_policies"]] == ["policy-good"]
    # Whether the broken policy snapshots vol-2 cannot be told: unknown with the reason, never "none".
    assert "dlm_policies" not in linked["vol-2"]["derived"]
    assert "the answer has no Policy" in linked["vol-2"]["unavailable"]["derived.dlm_policies"]["reason"]


def test_no_linker_raises_on_empty_bodies():
    """The link stage's containment is the last resort, not the guard: with every body empty, no
    linker's facts carry the 'could not compute' reason of a raised exception."""
    resources = [_resource("AWS::Backup::BackupPlan", "p", properties={"BackupPlan": None}),
                 _resource("AWS::Backup::BackupSelection", "s", properties={"BackupPlanId": "p",
                                                                             "BackupSelection": None}),
                 _resource("AWS::DLM::LifecyclePolicy", "d", properties={"Policy": None}),
                 _resource("AWS::EC2::Volume", "v", properties={"Attachments": []})]
    linked = link({"resources": resources, "collections": [
        _ok("AWS::Backup::BackupPlan"), _ok("AWS::Backup::BackupSelection"), _ok("AWS::DLM::LifecyclePolicy"),
        _ok("AWS::EC2::Instance")]}, load_linkers())
    reasons = [entry.get("reason", "") for r in linked.resources for entry in r["unavailable"].values()]
    assert reasons and not [r for r in reasons if "could not compute" in r]
