"""AWS Backup coverage traps: how selections assign resources, opt-in, scope, and never
ListProtectedResources. Each case is one documented rule of resource assignment."""

from __future__ import annotations

import pytest

from drcheck.link import link as link_stage
from drcheck.linkers.backup import LINKERS as COVERAGE_LINKERS
from drcheck.linkers.backup import selection_matches
from tests.stubbing import ACCOUNT, inventory_of, resource

VOLUME_ARN = f"arn:aws:ec2:us-east-1:{ACCOUNT}:volume/vol-1"
TYPES = ("AWS::Backup::BackupPlan", "AWS::Backup::BackupSelection", "AWS::Backup::RegionSettings",
         "AWS::EC2::Volume", "AWS::EC2::Instance", "AWS::DynamoDB::Table", "AWS::RDS::DBCluster",
         "AWS::Backup::ProtectedResource")
OPT_IN = {"EBS": True, "EC2": True, "DynamoDB": False, "Aurora": True, "RDS": True}


def volume(tags=None, rid="vol-1", region="us-east-1", attachments=None, account=ACCOUNT):
    return resource("AWS::EC2::Volume", rid, {"VolumeId": rid, "Attachments": attachments or []},
                    arn=f"arn:aws:ec2:{region}:{account}:volume/{rid}", tags=tags, region=region, account=account)


def select(**body):
    return {"SelectionName": "s", "IamRoleArn": "arn:aws:iam::1:role/b", **body}


def matches(body, res=None, opted_in=True):
    return selection_matches(select(**body), res or volume({"backup": "daily"}), opted_in)


# -- selection semantics ----------------------------------------------------------------------------


def test_exact_and_wildcard_arns():
    assert matches({"Resources": [VOLUME_ARN]}) is True
    assert matches({"Resources": [VOLUME_ARN.replace("vol-1", "vol-2")]}) is False
    assert matches({"Resources": ["arn:aws:ec2:*:*:volume/*"]}) is True
    assert matches({"Resources": ["arn:aws:ec2:*:*:instance/*"]}) is False
    assert matches({"Resources": ["arn:aws:ec2:us-east-1:*:volume/vol-?"]}) is True


def test_resources_and_conditions_combine_with_and():
    body = {"Resources": ["arn:aws:ec2:*:*:volume/*"],
            "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "daily"}]}}
    assert matches(body) is True
    assert matches(body, volume({"backup": "weekly"})) is False


def test_resources_and_list_of_tags_combine_with_or():
    body = {"Resources": ["arn:aws:dynamodb:*:*:table/*"],
            "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]}
    assert matches(body) is True  # not a table, but tagged
    assert matches(body, volume({})) is False


def test_list_of_tags_entries_are_ored():
    body = {"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "hourly"},
                           {"ConditionType": "STRINGEQUALS", "ConditionKey": "tier", "ConditionValue": "gold"}]}
    assert matches(body, volume({"tier": "gold"})) is True
    assert matches(body, volume({"backup": "daily"})) is False


@pytest.mark.parametrize("operator,value,tags,expected", [
    ("StringEquals", "daily", {"backup": "daily"}, True),
    ("StringEquals", "daily", {"backup": "Daily"}, False),  # condition operators are case sensitive
    ("StringEquals", "daily", {}, False),
    ("StringNotEquals", "none", {"backup": "daily"}, True),
    ("StringNotEquals", "none", {"backup": "none"}, False),
    ("StringNotEquals", "none", {}, True),  # a missing tag is "not equal"
    ("StringLike", "dai*", {"backup": "daily"}, True),
    ("StringLike", "*ly", {"backup": "weekly"}, True),
    ("StringLike", "dai*", {}, False),
    ("StringNotLike", "no*", {"backup": "daily"}, True),
    ("StringNotLike", "no*", {"backup": "none"}, False),
    ("StringNotLike", "no*", {}, True),
])
def test_condition_operators(operator, value, tags, expected):
    body = {"Resources": ["*"], "Conditions": {operator: [{"ConditionKey": "aws:ResourceTag/backup",
                                                            "ConditionValue": value}]}}
    assert matches(body, volume(tags)) is expected


def test_conditions_entries_are_anded():
    body = {"Resources": ["*"], "Conditions": {
        "StringEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "daily"}],
        "StringNotEquals": [{"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "dev"}]}}
    assert matches(body, volume({"backup": "daily", "env": "prod"})) is True
    assert matches(body, volume({"backup": "daily", "env": "dev"})) is False


def test_conditions_alone_select_everything_matching_them():
    body = {"Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "daily"}]}}
    assert matches(body) is True
    assert matches(body, volume({})) is False


def test_not_resources_always_excludes():
    body = {"Resources": ["*"], "NotResources": [VOLUME_ARN],
            "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]}
    assert matches(body) is False
    assert matches(body, volume({"backup": "daily"}, rid="vol-2")) is True


def test_list_of_tags_with_conditions_is_unknown_only_where_it_decides():
    body = {"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}],
            "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "prod"}]}}
    assert matches(body, volume({"backup": "daily", "env": "prod"})) is True
    assert matches(body, volume({"backup": "none", "env": "prod"})) is False
    assert matches(body, volume({"backup": "daily", "env": "dev"})) is None  # undocumented combination


def test_opt_in_applies_to_tags_and_service_wide_wildcards_only():
    tagged = {"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]}
    assert matches(tagged, opted_in=False) is False
    assert matches(tagged, opted_in=None) is None
    assert matches({"Resources": ["*"]}, opted_in=False) is False
    assert matches({"Resources": ["arn:aws:ec2:*"]}, opted_in=False) is False
    # An ARN pattern naming the resource type includes it regardless of the opt-in preference.
    assert matches({"Resources": ["arn:aws:ec2:*:*:volume/*"]}, opted_in=False) is True
    assert matches({"Resources": [VOLUME_ARN]}, opted_in=None) is True


def test_shared_cluster_arns_always_depend_on_opt_in():
    cluster = resource("AWS::RDS::DBCluster", "db", {"Engine": "aurora-postgresql"},
                       arn=f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:db")
    assert selection_matches(select(Resources=["arn:aws:rds:*:*:cluster:*"]), cluster, False) is False
    assert selection_matches(select(Resources=["arn:aws:rds:*:*:cluster:*"]), cluster, True) is True


# -- the linker over an inventory --------------------------------------------------------------------


def plan(pid="plan-1", region="us-east-1", account=ACCOUNT):
    return resource("AWS::Backup::BackupPlan", pid, {"BackupPlanId": pid}, region=region, account=account)


def selection(body, pid="plan-1", sid="sel-1", region="us-east-1", account=ACCOUNT, unavailable=None):
    props = {"SelectionId": sid, "BackupPlanId": pid}
    if unavailable is None:
        props["BackupSelection"] = select(**body)
    return resource("AWS::Backup::BackupSelection", sid, props, region=region, account=account,
                    unavailable=unavailable)


def settings(region="us-east-1", preferences=None):
    return resource("AWS::Backup::RegionSettings", region,
                    {"ResourceTypeOptInPreference": OPT_IN if preferences is None else preferences}, region=region)


def link(resources, failed=None, regions=("us-east-1",)):
    linked = link_stage(inventory_of(resources, TYPES, regions=regions, failed=failed), COVERAGE_LINKERS).resources
    return {(r["resource_type"], r["id"]): r for r in linked}


def plans_of(linked, key):
    record = linked[key]
    if "backup_plans" in record["derived"]:
        return [p["BackupPlanId"] for p in record["derived"]["backup_plans"]]
    return record["unavailable"]["derived.backup_plans"]["reason"]


def test_linker_covers_by_tag_and_names_the_plan():
    linked = link([plan(), settings(), volume({"backup": "daily"}), volume({}, rid="vol-2"),
                   selection({"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                                              "ConditionValue": "daily"}]})])
    assert plans_of(linked, ("AWS::EC2::Volume", "vol-1")) == ["plan-1"]
    assert plans_of(linked, ("AWS::EC2::Volume", "vol-2")) == []


def test_a_plan_covers_only_its_own_region_and_account():
    everything = {"Resources": ["*"]}
    linked = link([plan(region="us-west-2"), settings(), settings("us-west-2"), volume({}),
                   selection(everything, region="us-west-2"),
                   plan("plan-x", account="999999999999"), selection(everything, pid="plan-x", sid="sel-x",
                                                                   account="999999999999")],
                  regions=("us-east-1", "us-west-2"))
    assert plans_of(linked, ("AWS::EC2::Volume", "vol-1")) == []


def test_opted_out_type_is_not_covered_by_tags():
    table = resource("AWS::DynamoDB::Table", "orders", {"TableName": "orders"},
                     arn=f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders", tags={"backup": "daily"})
    linked = link([plan(), settings(), table,
                   selection({"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                                              "ConditionValue": "daily"}]})])
    assert plans_of(linked, ("AWS::DynamoDB::Table", "orders")) == []  # DynamoDB is opted out


def test_unreadable_region_settings_make_tag_coverage_unknown():
    linked = link([plan(), volume({"backup": "daily"}),
                   selection({"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                                              "ConditionValue": "daily"}]})],
                  failed={("us-east-1", "AWS::Backup::RegionSettings"): "DescribeRegionSettings: AccessDenied"})
    assert "AccessDenied" in plans_of(linked, ("AWS::EC2::Volume", "vol-1"))


def test_unreadable_selection_is_unknown_unless_another_covers():
    unreadable = selection({}, sid="sel-2", unavailable={"BackupSelection": {"reason": "GetBackupSelection failed"}})
    linked = link([plan(), settings(), volume({}), unreadable])
    assert "GetBackupSelection failed" in plans_of(linked, ("AWS::EC2::Volume", "vol-1"))
    linked = link([plan(), settings(), volume({}), unreadable, selection({"Resources": [VOLUME_ARN]})])
    assert plans_of(linked, ("AWS::EC2::Volume", "vol-1")) == ["plan-1"]


def test_failed_plan_listing_is_unknown_not_uncovered():
    linked = link([settings(), volume({})],
                  failed={("us-east-1", "AWS::Backup::BackupPlan"): "ListBackupPlans: AccessDenied"})
    assert "AccessDenied" in plans_of(linked, ("AWS::EC2::Volume", "vol-1"))


def test_volume_of_a_covered_instance_is_covered():
    instance = resource("AWS::EC2::Instance", "i-1", {"InstanceId": "i-1"},
                        arn=f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1")
    attached = volume({}, attachments=[{"InstanceId": "i-1", "Device": "/dev/xvda"}])
    linked = link([plan(), settings(), instance, attached,
                   selection({"Resources": ["arn:aws:ec2:*:*:instance/*"]})])
    assert plans_of(linked, ("AWS::EC2::Instance", "i-1")) == ["plan-1"]
    via = linked[("AWS::EC2::Volume", "vol-1")]["derived"]["backup_plans"]
    assert via == [{"BackupPlanId": "plan-1", "BackupPlanName": "plan-1", "SelectionName": "s",
                    "Via": "instance i-1"}]


def test_coverage_never_comes_from_protected_resources():
    """ListProtectedResources lists what was backed up once, not what a plan selects."""
    protected = resource("AWS::Backup::ProtectedResource", VOLUME_ARN,
                         {"ResourceArn": VOLUME_ARN, "ResourceType": "EBS", "LastBackupTime": "2026-01-14T05:00:00+00:00"},
                         arn=VOLUME_ARN)
    linked = link([plan(), settings(), volume({}), protected])
    assert plans_of(linked, ("AWS::EC2::Volume", "vol-1")) == []
    for linker in COVERAGE_LINKERS:
        assert "AWS::Backup::ProtectedResource" not in linker.reads
