"""Collectors and the runner against moto: identity, details, errors, global scope, children."""

from botocore.stub import Stubber

from drcheck.collect.plan import make_plan
from drcheck.collect.runner import collect
from drcheck.collect.session import client_config, make_client_factory
from drcheck.evaluate import evaluate
from drcheck.link import link
from tests.conftest import ACCOUNT, account, collect_for_rules, collect_types, count_calls, fail_calls


def _by_type(inventory, resource_type):
    return {r["id"]: r for r in inventory["resources"] if r["resource_type"] == resource_type}


def test_dynamodb_table_identity_tags_and_details(aws, catalogue):
    ddb = aws.client("dynamodb")
    ddb.create_table(TableName="orders", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
                     Tags=[{"Key": "Name", "Value": "Orders table"}, {"Key": "workload", "Value": "orders"}])
    inventory = collect_types(aws, catalogue, [("AWS::DynamoDB::Table", {"ContinuousBackupsDescription"})])
    table = _by_type(inventory, "AWS::DynamoDB::Table")["orders"]
    assert table["arn"] == f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"
    assert table["name"] == "Orders table"
    assert table["tags"] == {"Name": "Orders table", "workload": "orders"}
    assert table["properties"]["Table"]["TableName"] == "orders"
    assert table["properties"]["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"] == {
        "PointInTimeRecoveryStatus": "DISABLED"}
    assert inventory["errors"] == []
    # Datetimes are stored as ISO strings so the inventory round-trips through JSON.
    assert isinstance(table["properties"]["Table"]["CreationDateTime"], str)


def test_detail_access_denied_is_recorded_and_unknown(aws, catalogue):
    ddb = aws.client("dynamodb")
    ddb.create_table(TableName="orders", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    fail_calls(aws, "dynamodb.DescribeContinuousBackups", "AccessDeniedException", 400)
    inventory = collect_for_rules(aws, catalogue, ["dynamodb-table-pitr"])
    table = _by_type(inventory, "AWS::DynamoDB::Table")["orders"]
    assert table["unavailable"]["ContinuousBackupsDescription"]["error_code"] == "AccessDeniedException"
    assert inventory["errors"][0]["permission"] == "dynamodb:DescribeContinuousBackups"
    rule = [r for r in catalogue.rules if r.id == "dynamodb-table-pitr"]
    [finding] = evaluate(rule, link(inventory, catalogue.linkers))
    assert finding["status"] == "UNKNOWN"
    assert "AccessDeniedException" in finding["reason"]
    assert finding["missing_permissions"] == ["dynamodb:DescribeContinuousBackups"]


def test_failed_list_makes_every_rule_unknown_not_silent(aws, catalogue):
    fail_calls(aws, "rds.DescribeDBInstances", "AccessDenied")
    inventory = collect_for_rules(aws, catalogue, ["rds-instance-multi-az"])
    [record] = [c for c in inventory["collections"] if c["resource_type"] == "AWS::RDS::DBInstance"]
    assert record["status"] == "error"
    rule = [r for r in catalogue.rules if r.id == "rds-instance-multi-az"]
    [finding] = evaluate(rule, link(inventory, catalogue.linkers))
    assert finding["status"] == "UNKNOWN" and finding["resource_id"] == "*"
    assert "rds:DescribeDBInstances" in finding["missing_permissions"]


def test_unimplemented_operation_becomes_unknown(aws, catalogue):
    # moto has no DLM: its answer is an error, which must read as "could not look".
    aws.client("ec2").create_volume(AvailabilityZone="us-east-1a", Size=8)
    inventory = collect_for_rules(aws, catalogue, ["ebs-volume-backup"])
    dlm = [c for c in inventory["collections"] if c["resource_type"] == "AWS::DLM::LifecyclePolicy"]
    assert dlm and dlm[0]["status"] == "error"
    rule = [r for r in catalogue.rules if r.id == "ebs-volume-backup"]
    statuses = {f["resource_id"]: f["status"] for f in evaluate(rule, link(inventory, catalogue.linkers))}
    assert set(statuses.values()) == {"UNKNOWN"}


def test_s3_listed_once_per_account_with_bucket_regions(aws, catalogue):
    aws.client("s3").create_bucket(Bucket="east-bucket")
    aws.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="west-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    counts = count_calls(aws)
    inventory = collect_types(aws, catalogue, [("AWS::S3::Bucket", {"BucketVersioning"})],
                              regions=("us-east-1", "us-west-2", "eu-west-1"))
    assert counts["s3.ListBuckets"] == 1
    buckets = _by_type(inventory, "AWS::S3::Bucket")
    assert buckets["east-bucket"]["region"] == "us-east-1"
    assert buckets["west-bucket"]["region"] == "eu-west-1"
    assert buckets["east-bucket"]["arn"] == "arn:aws:s3:::east-bucket"
    # Not configured is an answer, not an error: no tags, no replication.
    assert buckets["east-bucket"]["properties"]["Tags"] == []
    assert inventory["errors"] == []


def test_regional_types_collected_per_region_without_noise(aws, catalogue):
    aws.client("efs").create_file_system(CreationToken="a")
    inventory = collect_for_rules(aws, catalogue, ["efs-file-system-multi-az"], regions=("us-east-1", "us-west-2"))
    records = {c["region"]: c["status"] for c in inventory["collections"] if c["resource_type"] == "AWS::EFS::FileSystem"}
    assert records == {"us-east-1": "ok", "us-west-2": "ok"}
    rule = [r for r in catalogue.rules if r.id == "efs-file-system-multi-az"]
    findings = evaluate(rule, link(inventory, catalogue.linkers))
    assert [f["region"] for f in findings] == ["us-east-1"]  # nothing said about the empty Region


def test_details_not_planned_are_marked_not_collected(aws, catalogue):
    aws.client("s3").create_bucket(Bucket="plain-bucket")
    inventory = collect_types(aws, catalogue, [("AWS::S3::Bucket", set())])
    bucket = _by_type(inventory, "AWS::S3::Bucket")["plain-bucket"]
    assert "not collected" in bucket["unavailable"]["BucketVersioning"]["reason"]
    rule = [r for r in catalogue.rules if r.id == "s3-bucket-versioning"]
    [finding] = evaluate(rule, link(inventory, catalogue.linkers))
    assert finding["status"] == "UNKNOWN"


def test_child_collector_lists_per_parent_with_stubber(aws, catalogue):
    """Backup selections (moto lacks them) are listed per plan; checked against real API shapes."""
    import boto3

    plan = make_plan([("AWS::Backup::BackupSelection", {"BackupSelection"})], catalogue.collectors, catalogue.linkers)
    client = boto3.client("backup", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_response("list_backup_plans", {"BackupPlansList": [
        {"BackupPlanId": "plan-1", "BackupPlanArn": "arn:aws:backup:us-east-1:123456789012:backup-plan:plan-1",
         "BackupPlanName": "daily"}]})
    stubber.add_response("list_tags", {"Tags": {}},
                         {"ResourceArn": "arn:aws:backup:us-east-1:123456789012:backup-plan:plan-1"})
    stubber.add_response("list_backup_selections", {"BackupSelectionsList": [
        {"SelectionId": "sel-1", "SelectionName": "all-ebs", "BackupPlanId": "plan-1",
         "IamRoleArn": "arn:aws:iam::123456789012:role/backup"}]}, {"BackupPlanId": "plan-1"})
    stubber.add_response("get_backup_selection", {"BackupSelection": {
        "SelectionName": "all-ebs", "IamRoleArn": "arn:aws:iam::123456789012:role/backup",
        "Resources": ["arn:aws:ec2:*:*:volume/*"]}, "SelectionId": "sel-1", "BackupPlanId": "plan-1"},
        {"BackupPlanId": "plan-1", "SelectionId": "sel-1"})
    stubber.activate()
    inventory = collect(plan, [account(aws)], client_factory=lambda *_: client, max_workers=1)
    stubber.assert_no_pending_responses()
    [selection] = _by_type(inventory, "AWS::Backup::BackupSelection").values()
    assert selection["properties"]["BackupPlanId"] == "plan-1"
    assert selection["properties"]["BackupSelection"]["Resources"] == ["arn:aws:ec2:*:*:volume/*"]
    assert selection["arn"].endswith("backup-plan:plan-1/selection/sel-1")


def test_parent_failure_marks_children_unknown(aws, catalogue):
    fail_calls(aws, "backup.ListBackupPlans", "AccessDeniedException")
    plan = make_plan([("AWS::Backup::BackupSelection", {"BackupSelection"})], catalogue.collectors, catalogue.linkers)
    inventory = collect(plan, [account(aws)], client_factory=make_client_factory(client_config(2, 1)), max_workers=2)
    statuses = {c["resource_type"]: c["status"] for c in inventory["collections"]}
    assert statuses == {"AWS::Backup::BackupPlan": "error", "AWS::Backup::BackupSelection": "error"}


def test_plan_only_calls_what_rules_need(catalogue):
    rules = [r for r in catalogue.rules if r.id == "s3-bucket-versioning"]
    plan = make_plan([(r.resource_type, r.field_roots()) for r in rules], catalogue.collectors, catalogue.linkers)
    [planned] = plan.collectors
    assert planned.resource_type == "AWS::S3::Bucket"
    assert set(planned.detail_keys) == {"BucketVersioning", "BucketLocation", "Tags"}
    assert "s3:GetReplicationConfiguration" not in plan.permissions()


def test_plan_pulls_in_linker_inputs(catalogue):
    rules = [r for r in catalogue.rules if r.id == "ebs-volume-backup"]
    plan = make_plan([(r.resource_type, r.field_roots()) for r in rules], catalogue.collectors, catalogue.linkers)
    types = [p.resource_type for p in plan.collectors]
    for needed in ("AWS::EC2::Volume", "AWS::EC2::Snapshot", "AWS::DLM::LifecyclePolicy",
                   "AWS::Backup::BackupPlan", "AWS::Backup::BackupSelection"):
        assert needed in types
    assert types.index("AWS::Backup::BackupPlan") < types.index("AWS::Backup::BackupSelection")


def test_unreadable_tags_are_unknown_not_empty(aws, catalogue):
    ddb = aws.client("dynamodb")
    ddb.create_table(TableName="orders", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    fail_calls(aws, "dynamodb.ListTagsOfResource", "AccessDeniedException", 400)
    inventory = collect_types(aws, catalogue, [("AWS::DynamoDB::Table", set())])
    table = _by_type(inventory, "AWS::DynamoDB::Table")["orders"]
    assert table["tags"] == {}
    assert table["unavailable"]["tags"]["error_code"] == "AccessDeniedException"
    from datetime import UTC, datetime

    from drcheck.ruleset.conditions import Context, compile_condition

    outcome = compile_condition({"field": "tags.env", "equals": "prod"}, {}).evaluate(
        Context(table, {}, datetime.now(UTC)))
    assert outcome.value is None
