"""Data Lifecycle Manager: which volumes a policy snapshots, schedule facts, and the collector."""

from __future__ import annotations

import pytest

from drcheck.link import link
from drcheck.linkers.dlm import LINKERS as DLM_LINKERS
from tests.stubbing import ACCOUNT, Call, findings_for, inventory_of, resource, stub_collect

TYPES = ("AWS::DLM::LifecyclePolicy", "AWS::EC2::Volume", "AWS::EC2::Instance")


def policy(details, pid="policy-1", state="ENABLED", default=False):
    body = {"PolicyId": pid, "State": state, "PolicyDetails": details, "Description": pid}
    if default:
        body["DefaultPolicy"] = True
    return resource("AWS::DLM::LifecyclePolicy", pid, {"PolicyId": pid, "State": state, "Policy": body,
                                                         "PolicyType": details.get("PolicyType")})


def volume(rid="vol-1", tags=None, attachments=None, volume_type="gp3"):
    return resource("AWS::EC2::Volume", rid, {"VolumeId": rid, "VolumeType": volume_type,
                                              "Attachments": attachments or []}, tags=tags)


def instance(rid="i-1", tags=None):
    return resource("AWS::EC2::Instance", rid, {"InstanceId": rid, "RootDeviceName": "/dev/xvda"}, tags=tags)


def covered(resources, volume_id="vol-1", failed=None):
    linked = link(inventory_of(resources, TYPES, failed=failed), DLM_LINKERS).resources
    record = next(r for r in linked if r["id"] == volume_id)
    if "dlm_policies" in record["derived"]:
        return [p["PolicyId"] for p in record["derived"]["dlm_policies"]]
    return record["unavailable"]["derived.dlm_policies"]["reason"]


SNAPSHOT_VOLUMES = {"PolicyType": "EBS_SNAPSHOT_MANAGEMENT", "ResourceTypes": ["VOLUME"],
                    "TargetTags": [{"Key": "backup", "Value": "daily"}, {"Key": "tier", "Value": "gold"}]}
SNAPSHOT_INSTANCES = {"PolicyType": "EBS_SNAPSHOT_MANAGEMENT", "ResourceTypes": ["INSTANCE"],
                      "TargetTags": [{"Key": "backup", "Value": "daily"}]}
BOOT = [{"InstanceId": "i-1", "Device": "/dev/xvda"}]
DATA = [{"InstanceId": "i-1", "Device": "/dev/xvdf"}]


def test_volume_policy_targets_any_of_its_tags():
    assert covered([policy(SNAPSHOT_VOLUMES), volume(tags={"tier": "gold"})]) == ["policy-1"]
    copying = {**SNAPSHOT_VOLUMES, "Schedules": [{"Name": "s", "CrossRegionCopyRules": [{"Target": "us-west-2"}]}]}
    linked = link(inventory_of([policy(copying), volume(tags={"tier": "gold"})], TYPES), DLM_LINKERS).resources
    volume_record = next(r for r in linked if r["id"] == "vol-1")
    assert volume_record["derived"]["dlm_policies"][0]["CrossRegionCopyTargets"] == ["us-west-2"]
    assert covered([policy(SNAPSHOT_VOLUMES), volume(tags={"backup": "weekly"})]) == []


def test_instance_policy_covers_attached_volumes_through_instance_tags():
    assert covered([policy(SNAPSHOT_INSTANCES), instance(tags={"backup": "daily"}), volume(attachments=DATA)]) \
        == ["policy-1"]
    # The volume's own tag does not matter to an INSTANCE policy.
    assert covered([policy(SNAPSHOT_INSTANCES), instance(), volume(tags={"backup": "daily"}, attachments=DATA)]) == []


def test_instance_policy_exclusions():
    excluding = {**SNAPSHOT_INSTANCES, "Parameters": {"ExcludeBootVolume": True,
                                                      "ExcludeDataVolumeTags": [{"Key": "scratch", "Value": "yes"}]}}
    tagged = instance(tags={"backup": "daily"})
    assert covered([policy(excluding), tagged, volume(attachments=BOOT)]) == []
    assert covered([policy(excluding), tagged, volume(attachments=DATA, tags={"scratch": "yes"})]) == []
    assert covered([policy(excluding), tagged, volume(attachments=DATA)]) == ["policy-1"]


def test_ami_policy_covers_volumes_of_imaged_instances():
    ami = {"PolicyType": "IMAGE_MANAGEMENT", "ResourceTypes": ["INSTANCE"],
           "TargetTags": [{"Key": "backup", "Value": "daily"}]}
    assert covered([policy(ami), instance(tags={"backup": "daily"}), volume(attachments=BOOT)]) == ["policy-1"]


def test_disabled_or_event_policies_do_not_count():
    assert covered([policy(SNAPSHOT_VOLUMES, state="DISABLED"), volume(tags={"tier": "gold"})]) == []
    event = {"PolicyType": "EVENT_BASED_POLICY", "TargetTags": [{"Key": "tier", "Value": "gold"}]}
    assert covered([policy(event), volume(tags={"tier": "gold"})]) == []


def test_default_volume_policy_covers_everything_but_exclusions():
    default = {"PolicyType": "EBS_SNAPSHOT_MANAGEMENT", "PolicyLanguage": "SIMPLIFIED", "ResourceType": "VOLUME",
               "Exclusions": {"ExcludeBootVolumes": True, "ExcludeVolumeTypes": ["sc1"],
                              "ExcludeTags": [{"Key": "backup", "Value": "no"}]}}
    dlm = policy(default, default=True)
    assert covered([dlm, volume()]) == ["policy-1"]
    assert covered([dlm, volume(volume_type="sc1")]) == []
    assert covered([dlm, volume(tags={"backup": "no"})]) == []
    assert covered([dlm, instance(), volume(attachments=BOOT)]) == []


def test_unreadable_policies_make_coverage_unknown():
    unreadable = resource("AWS::DLM::LifecyclePolicy", "policy-1", {"PolicyId": "policy-1", "State": "ENABLED"},
                          unavailable={"Policy": {"reason": "GetLifecyclePolicy failed: AccessDenied"}})
    assert "AccessDenied" in covered([unreadable, volume()])
    failed = {("us-east-1", "AWS::DLM::LifecyclePolicy"): "GetLifecyclePolicies: AccessDenied"}
    assert "AccessDenied" in covered([volume()], failed=failed)


@pytest.mark.parametrize("create,retain,interval,retention", [
    ({"Interval": 12, "IntervalUnit": "HOURS"}, {"Count": 14}, 12, 7),
    ({"CronExpression": "cron(0 3 ? * SUN *)"}, {"Interval": 3, "IntervalUnit": "MONTHS"}, 168, 90),
    ({"Interval": 24, "IntervalUnit": "HOURS"}, {"Interval": 2, "IntervalUnit": "WEEKS"}, 24, 14),
])
def test_schedule_facts(create, retain, interval, retention):
    copies = [{"TargetRegion": "us-west-2"}, {"Target": "eu-west-1"}, {"Target": "us-east-1"},
              {"Target": "arn:aws:outposts:us-east-1:123456789012:outpost/op-1"}]
    details = {**SNAPSHOT_VOLUMES, "Schedules": [{"Name": "s", "CreateRule": create, "RetainRule": retain,
                                                   "CrossRegionCopyRules": copies}]}
    linked = link(inventory_of([policy(details)], TYPES), DLM_LINKERS).resources
    (schedule,) = linked[0]["derived"]["schedules"]
    assert schedule["IntervalHours"] == interval and schedule["RetentionDays"] == retention
    # Target (or the older TargetRegion); the policy's own Region and Outpost ARNs are not Regions.
    assert schedule["CopyRegions"] == ["eu-west-1", "us-west-2"]


def test_default_policy_schedule_facts():
    default = {"PolicyLanguage": "SIMPLIFIED", "ResourceType": "VOLUME", "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
               "CreateInterval": 2, "RetainInterval": 10, "CrossRegionCopyTargets": [{"TargetRegion": "eu-west-1"}]}
    linked = link(inventory_of([policy(default, default=True)], TYPES), DLM_LINKERS).resources
    assert linked[0]["derived"]["schedules"] == [{"Name": "default policy", "IntervalHours": 48,
                                                  "RetentionDays": 10, "CopyRegions": ["eu-west-1"]}]


POLICY_BODY = {
    "PolicyId": "policy-1", "Description": "daily", "State": "ENABLED",
    "PolicyDetails": {"PolicyType": "EBS_SNAPSHOT_MANAGEMENT", "ResourceTypes": ["VOLUME"],
                      "TargetTags": [{"Key": "backup", "Value": "daily"}],
                      "Schedules": [{"Name": "daily", "CreateRule": {"Interval": 24, "IntervalUnit": "HOURS"},
                                     "RetainRule": {"Count": 3}}]},
}
SUMMARY = {"Policies": [{"PolicyId": "policy-1", "Description": "daily", "State": "ENABLED",
                         "PolicyType": "EBS_SNAPSHOT_MANAGEMENT"}]}


def test_collector_and_rules(catalogue):
    calls = {"dlm": [Call("get_lifecycle_policies", SUMMARY, {}),
                     Call("get_lifecycle_policy", {"Policy": POLICY_BODY}, {"PolicyId": "policy-1"})]}
    inventory = stub_collect(catalogue, [("AWS::DLM::LifecyclePolicy", ["derived.schedules"])], calls)
    (finding,) = findings_for(catalogue, inventory, "dlm-policy-retention")
    assert finding["status"] == "FAIL" and finding["resource_id"] == "policy-1"
    assert findings_for(catalogue, inventory, "dlm-policy-frequency")[0]["status"] == "PASS"
    assert findings_for(catalogue, inventory, "dlm-policy-cross-region-copy")[0]["status"] == "FAIL"
    assert findings_for(catalogue, inventory, "dlm-policy-enabled")[0]["status"] == "PASS"


def test_collector_access_denied_is_unknown_with_permission(catalogue):
    calls = {"dlm": [Call("get_lifecycle_policies", SUMMARY, {}),
                     Call("get_lifecycle_policy", error="AccessDeniedException", status=403)]}
    inventory = stub_collect(catalogue, [("AWS::DLM::LifecyclePolicy", ["derived.schedules"])], calls)
    (finding,) = findings_for(catalogue, inventory, "dlm-policy-retention")
    assert finding["status"] == "UNKNOWN"
    assert finding["missing_permissions"] == ["dlm:GetLifecyclePolicy"]
    assert ACCOUNT == inventory["accounts"][0]["account_id"]
