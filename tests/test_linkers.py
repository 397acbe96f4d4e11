"""Cross-resource facts: backup selection semantics, replication destinations, cluster AZs, DLM."""

import pytest

from drcheck.link import link
from drcheck.linkers import load_linkers
from drcheck.linkers.backup import selection_matches

VOLUME = {"resource_type": "AWS::EC2::Volume", "arn": "arn:aws:ec2:us-east-1:111122223333:volume/vol-1",
          "tags": {"backup": "daily", "env": "prod"}}


@pytest.mark.parametrize("selection,expected", [
    ({"Resources": ["arn:aws:ec2:us-east-1:111122223333:volume/vol-1"]}, True),
    ({"Resources": ["arn:aws:ec2:*:*:volume/*"]}, True),
    ({"Resources": ["arn:aws:rds:*:*:db:*"]}, False),
    ({"Resources": ["*"]}, True),
    ({"Resources": ["*"], "NotResources": ["arn:aws:ec2:*:*:volume/vol-1"]}, False),
    ({"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]}, True),
    ({"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "weekly"}]}, False),
    ({"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "weekly"},
                     {"ConditionType": "STRINGEQUALS", "ConditionKey": "env", "ConditionValue": "prod"}]}, True),
    ({"Resources": ["*"], "Conditions": {"StringEquals": [
        {"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "daily"}]}}, True),
    ({"Resources": ["*"], "Conditions": {"StringEquals": [
        {"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "daily"},
        {"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "dev"}]}}, False),
    ({"Resources": ["*"], "Conditions": {"StringLike": [
        {"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "pr*"}]}}, True),
    ({"Resources": ["*"], "Conditions": {"StringNotEquals": [
        {"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "prod"}]}}, False),
    ({"Resources": ["*"], "Conditions": {"StringNotLike": [
        {"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "d*"}]}}, True),
    ({}, True),  # no Resources, no tags: AWS Backup selects every supported resource
])
def test_selection_semantics(selection, expected):
    assert selection_matches({"SelectionName": "s", "IamRoleArn": "r", **selection}, VOLUME) is expected


def _resource(resource_type, rid, region="us-east-1", account="111122223333", properties=None, tags=None, arn=None):
    return {"resource_type": resource_type, "account_id": account, "region": region, "id": rid,
            "arn": arn, "name": rid, "tags": tags or {}, "properties": properties or {}, "unavailable": {}}


def _ok(resource_type, region="us-east-1", account="111122223333"):
    return {"account_id": account, "region": region, "resource_type": resource_type, "status": "ok"}


def _link(resources, collections):
    linked = link({"resources": resources, "collections": collections}, load_linkers()).resources
    return {r["id"]: r for r in linked}


def test_backup_plan_covers_only_its_own_region():
    selection = _resource("AWS::Backup::BackupSelection", "sel-1", properties={
        "BackupPlanId": "p1", "BackupSelection": {"SelectionName": "all", "IamRoleArn": "r", "Resources": ["*"]}})
    plan = _resource("AWS::Backup::BackupPlan", "p1")
    east = _resource("AWS::EC2::Volume", "vol-east", arn="arn:aws:ec2:us-east-1:111122223333:volume/vol-east")
    west = _resource("AWS::EC2::Volume", "vol-west", region="us-west-2",
                     arn="arn:aws:ec2:us-west-2:111122223333:volume/vol-west")
    settings = [_resource("AWS::Backup::RegionSettings", region, region=region,
                          properties={"ResourceTypeOptInPreference": {"EBS": True}})
                for region in ("us-east-1", "us-west-2")]
    collections = [_ok(t, r) for t in ("AWS::Backup::BackupPlan", "AWS::Backup::BackupSelection",
                                       "AWS::Backup::RegionSettings") for r in ("us-east-1", "us-west-2")]
    linked = _link([selection, plan, east, west, *settings], collections)
    assert [p["BackupPlanId"] for p in linked["vol-east"]["derived"]["backup_plans"]] == ["p1"]
    assert linked["vol-west"]["derived"]["backup_plans"] == []


def test_backup_coverage_unknown_when_selections_unreadable():
    volume = _resource("AWS::EC2::Volume", "vol-1", arn="arn:aws:ec2:us-east-1:111122223333:volume/vol-1")
    collections = [_ok("AWS::Backup::BackupPlan"),
                   {**_ok("AWS::Backup::BackupSelection"), "status": "error",
                    "errors": [{"reason": "ListBackupSelections failed: AccessDenied"}]}]
    linked = _link([volume], collections)
    assert "backup_plans" not in linked["vol-1"]["derived"]
    assert "AccessDenied" in linked["vol-1"]["unavailable"]["derived.backup_plans"]["reason"]


def test_s3_destination_region_resolved_or_unknown():
    def bucket(name, region, rules=None):
        properties = {"Name": name, "ReplicationConfiguration": {"Role": "r", "Rules": rules} if rules else None}
        return _resource("AWS::S3::Bucket", name, region=region, properties=properties)

    rule = lambda dest: {"ID": "dr", "Status": "Enabled", "Destination": {"Bucket": f"arn:aws:s3:::{dest}"}}  # noqa: E731
    linked = _link([bucket("src", "us-east-1", [rule("dst-west")]), bucket("dst-west", "us-west-2"),
                    bucket("same", "us-east-1", [rule("dst-east")]), bucket("dst-east", "us-east-1"),
                    bucket("outside", "us-east-1", [rule("not-in-scan")])], [_ok("AWS::S3::Bucket", "global")])
    [cross] = linked["src"]["derived"]["replication_destinations"]
    assert cross["DestinationRegion"] == "us-west-2" and cross["CrossRegion"] is True
    [same] = linked["same"]["derived"]["replication_destinations"]
    assert same["CrossRegion"] is False
    [unknown] = linked["outside"]["derived"]["replication_destinations"]
    assert "CrossRegion" not in unknown and "outside the scan" in unknown["_unavailable"]["CrossRegion"]["reason"]
    assert linked["dst-west"]["derived"]["replication_destinations"] == []


def test_rds_cluster_zones_come_from_member_instances():
    cluster = _resource("AWS::RDS::DBCluster", "c1", properties={
        "AvailabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"],
        "DBClusterMembers": [{"DBInstanceIdentifier": "c1-1"}, {"DBInstanceIdentifier": "c1-2"}]})
    members = [_resource("AWS::RDS::DBInstance", f"c1-{i}", properties={"AvailabilityZone": "us-east-1a"})
               for i in (1, 2)]
    linked = _link([cluster, *members], [_ok("AWS::RDS::DBInstance"), _ok("AWS::RDS::DBCluster")])
    assert linked["c1"]["derived"]["member_availability_zones"] == ["us-east-1a"]


def test_dlm_instance_policy_covers_attached_volume():
    policy = _resource("AWS::DLM::LifecyclePolicy", "policy-1", properties={"Policy": {
        "State": "ENABLED", "PolicyDetails": {"PolicyType": "EBS_SNAPSHOT_MANAGEMENT", "ResourceTypes": ["INSTANCE"],
                                              "TargetTags": [{"Key": "snap", "Value": "yes"}]}}})
    instance = _resource("AWS::EC2::Instance", "i-1", tags={"snap": "yes"})
    volume = _resource("AWS::EC2::Volume", "vol-1", properties={"Attachments": [{"InstanceId": "i-1"}]})
    loose = _resource("AWS::EC2::Volume", "vol-2", properties={"Attachments": []}, tags={"snap": "yes"})
    linked = _link([policy, instance, volume, loose],
                   [_ok("AWS::DLM::LifecyclePolicy"), _ok("AWS::EC2::Instance"), _ok("AWS::EC2::Snapshot")])
    assert [p["PolicyId"] for p in linked["vol-1"]["derived"]["dlm_policies"]] == ["policy-1"]
    assert linked["vol-2"]["derived"]["dlm_policies"] == []  # an INSTANCE policy does not target loose volumes


def test_linking_leaves_the_inventory_untouched():
    volume = _resource("AWS::EC2::Volume", "vol-1")
    inventory = {"resources": [volume], "collections": []}
    link(inventory, load_linkers())
    assert "derived" not in volume and volume["unavailable"] == {}
