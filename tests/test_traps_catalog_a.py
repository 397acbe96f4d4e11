"""Correctness traps in the first half of the catalogue, each pinned by a test that fails if the
trap comes back. Collection runs against moto end to end (collect -> link -> evaluate), so the
tests exercise the real API shapes, not hand-written resources."""

from __future__ import annotations

from drcheck.evaluate import evaluate
from drcheck.link import link
from tests.aws_hooks import CallCounter, answer
from tests.conftest import ACCOUNT, collect_for_rules, collect_types, verdicts


def _drop_moto_automated_snapshots(rds):
    """moto takes an automated snapshot of every new instance, even with BackupRetentionPeriod=0 or
    as an Aurora member (AWS takes none), and gives every instance the same DbiResourceId, so its
    snapshots would pass for any instance's."""
    for snapshot in rds.describe_db_snapshots(SnapshotType="automated")["DBSnapshots"]:
        rds.delete_db_snapshot(DBSnapshotIdentifier=snapshot["DBSnapshotIdentifier"])


def _evaluate(catalogue, inventory, rule_ids):
    rules = [r for r in catalogue.rules if r.id in set(rule_ids)]
    return evaluate(rules, link(inventory, catalogue.linkers))


def _finding(findings, rule_id, name):
    return next(f for f in findings if f["rule_id"] == rule_id and f["resource_name"] == name)


# -- Trap 1: Aurora and other clustered engines are judged at cluster level --------------------


def test_cluster_members_are_not_judged_by_instance_rules(aws, catalogue):
    rds = aws.client("rds")
    rds.create_db_cluster(DBClusterIdentifier="orders", Engine="aurora-postgresql", MasterUsername="admin",
                          MasterUserPassword="password123", DeletionProtection=True)
    for i, zone in enumerate(["us-east-1a", "us-east-1b"]):
        rds.create_db_instance(DBInstanceIdentifier=f"orders-{i}", DBClusterIdentifier="orders",
                               Engine="aurora-postgresql", DBInstanceClass="db.r6g.large", AvailabilityZone=zone)
    rds.create_db_instance(DBInstanceIdentifier="legacy", Engine="postgres", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="password123",
                           BackupRetentionPeriod=0)
    _drop_moto_automated_snapshots(rds)
    instance_rules = [r.id for r in catalogue.rules if r.resource_type == "AWS::RDS::DBInstance"]
    cluster_rules = [r.id for r in catalogue.rules if r.resource_type == "AWS::RDS::DBCluster"]
    assert len(instance_rules) >= 6 and len(cluster_rules) >= 8
    inventory = collect_for_rules(aws, catalogue, instance_rules + cluster_rules)
    findings = _evaluate(catalogue, inventory, instance_rules + cluster_rules)

    for rule_id in instance_rules:
        seen = verdicts(findings, rule_id)
        assert seen["orders-0"] == seen["orders-1"] == "NOT_APPLICABLE", rule_id
        assert seen["legacy"] != "NOT_APPLICABLE", rule_id
    # ...and the cluster is judged instead, from its members' real placement.
    assert verdicts(findings, "rds-cluster-multi-az") == {"orders": "PASS"}
    assert verdicts(findings, "rds-cluster-deletion-protection") == {"orders": "PASS"}
    assert verdicts(findings, "rds-instance-multi-az")["legacy"] == "FAIL"
    assert verdicts(findings, "rds-instance-backup-enabled")["legacy"] == "FAIL"
    # Engine-specific cluster rules leave an Aurora cluster to the generic ones.
    assert verdicts(findings, "docdb-cluster-multi-az") == {"orders": "NOT_APPLICABLE"}


def test_cluster_in_one_zone_fails_at_cluster_level(aws, catalogue):
    rds = aws.client("rds")
    rds.create_db_cluster(DBClusterIdentifier="cramped", Engine="aurora-mysql", MasterUsername="admin",
                          MasterUserPassword="password123")
    for i in range(2):
        rds.create_db_instance(DBInstanceIdentifier=f"cramped-{i}", DBClusterIdentifier="cramped",
                               Engine="aurora-mysql", DBInstanceClass="db.r6g.large", AvailabilityZone="us-east-1a")
    inventory = collect_for_rules(aws, catalogue, ["rds-cluster-multi-az"])
    findings = _evaluate(catalogue, inventory, ["rds-cluster-multi-az"])
    finding = _finding(findings, "rds-cluster-multi-az", "cramped")
    assert finding["status"] == "FAIL"
    assert finding["evidence"]["derived.member_availability_zones"] == ["us-east-1a"]


# -- Trap 2: S3 replication is cross-Region only when the destination is elsewhere --------------


def _bucket(s3, name, region):
    config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, **config)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def _replicate(s3, source, destination):
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication",
        "Rules": [{"ID": "dr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}],
    })


def _head_bucket_answers(session):
    """Buckets of other accounts: HeadBucket is refused, with or without the Region header."""
    def respond(params):
        if params.get("Bucket") == "partner-eu-bucket":
            return {"Error": {"Code": "403", "Message": "Forbidden"},
                    "ResponseMetadata": {"HTTPStatusCode": 403, "HTTPHeaders": {"x-amz-bucket-region": "eu-west-1"}}}
        if params.get("Bucket") == "partner-hidden-bucket":
            return {"Error": {"Code": "403", "Message": "Forbidden"}, "ResponseMetadata": {"HTTPStatusCode": 403}}
        return None  # moto answers (404 for a bucket that does not exist)

    answer(session, "s3", "HeadBucket", respond)


def test_replication_counts_as_cross_region_only_when_the_destination_is_elsewhere(aws, catalogue):
    s3 = aws.client("s3")
    for name, region in [("src-same", "us-east-1"), ("dst-same", "us-east-1"), ("src-cross", "us-east-1"),
                         ("dst-west", "us-west-2"), ("src-partner-eu", "us-east-1"),
                         ("src-partner-hidden", "us-east-1"), ("src-to-nowhere", "us-east-1")]:
        _bucket(s3, name, region)
    _replicate(s3, "src-same", "dst-same")
    _replicate(s3, "src-cross", "dst-west")
    _replicate(s3, "src-partner-eu", "partner-eu-bucket")
    _replicate(s3, "src-partner-hidden", "partner-hidden-bucket")
    _replicate(s3, "src-to-nowhere", "deleted-long-ago-bucket")
    _head_bucket_answers(aws)
    rule = "s3-bucket-cross-region-replication"
    inventory = collect_for_rules(aws, catalogue, [rule])
    findings = _evaluate(catalogue, inventory, [rule])
    seen = verdicts(findings, rule)

    assert seen["src-same"] == "FAIL"           # same Region: no protection against a Regional outage
    assert seen["src-cross"] == "PASS"
    assert seen["dst-west"] == "NOT_APPLICABLE"  # the DR copy itself
    assert seen["src-partner-eu"] == "PASS"      # Region learned from the 403's x-amz-bucket-region
    assert seen["src-to-nowhere"] == "FAIL"      # HeadBucket 404: replicates into nothing
    hidden = _finding(findings, rule, "src-partner-hidden")
    assert hidden["status"] == "UNKNOWN"
    assert "partner-hidden-bucket is outside the scan and its Region could not be learned" in hidden["reason"]
    cross = _finding(findings, rule, "src-cross")
    assert cross["evidence"]["derived.replication_destinations"][0]["DestinationRegion"] == "us-west-2"


def test_head_bucket_is_asked_only_for_destinations_outside_the_listing(aws, catalogue):
    s3 = aws.client("s3")
    for name, region in [("src-cross", "us-east-1"), ("dst-west", "us-west-2"), ("src-partner", "us-east-1")]:
        _bucket(s3, name, region)
    _replicate(s3, "src-cross", "dst-west")
    _replicate(s3, "src-partner", "partner-eu-bucket")
    _head_bucket_answers(aws)
    asked = []
    aws.events.register("before-parameter-build.s3.HeadBucket", lambda params, **_: asked.append(params["Bucket"]))
    collect_for_rules(aws, catalogue, ["s3-bucket-cross-region-replication"])
    assert asked == ["partner-eu-bucket"]


# -- Trap 3: no noise from empty Regions; global listings once per account -----------------------


def test_empty_regions_say_nothing_and_global_types_are_listed_once(aws, catalogue):
    aws.client("rds").create_db_instance(DBInstanceIdentifier="solo", Engine="postgres", DBInstanceClass="db.t3.micro",
                                         AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="password123")
    aws.client("dynamodb").create_table(TableName="orders", BillingMode="PAY_PER_REQUEST",
                                        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                                        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
    _bucket(aws.client("s3"), "assets", "us-east-1")
    counter = CallCounter(aws)
    mine = {"rds", "docdb", "neptune", "dynamodb", "dax", "s3", "ebs", "ec2", "autoscaling", "elb", "elbv2", "efs",
            "fsx", "elasticache", "memorydb", "redshift", "opensearch"}
    rules = [r for r in catalogue.rules if r.service in mine]
    regions = ("us-east-1", "eu-west-1", "ap-southeast-2")
    inventory = collect_types(aws, catalogue, [(r.resource_type, r.field_roots()) for r in rules], regions)
    findings = evaluate(rules, link(inventory, catalogue.linkers))

    failed_scopes = {(c["region"], c["resource_type"]) for c in inventory["collections"] if c["status"] != "ok"}
    for finding in findings:
        if finding["region"] in ("eu-west-1", "ap-southeast-2"):
            # Only a listing that failed (moto lacks a few APIs) may speak for an empty Region.
            assert finding["resource_id"] == "*", finding
            assert (finding["region"], finding["resource_type"]) in failed_scopes, finding
    assert {f["resource_name"] for f in findings if f["resource_id"] != "*"} == {"solo", "orders", "assets"}
    assert counter.calls["s3.ListBuckets"] == 1
    assert counter.calls["rds.DescribeGlobalClusters"] == 1
    assert counter.calls["rds.DescribeDBInstances"] == len(regions)


# -- Trap 4: "is it protected" accepts every real form and says which it found ---------------------


def _backup_selection_api(session, plan_id, selection):
    """AWS Backup selections, which moto lacks: one selection on the given plan."""
    answer(session, "backup", "ListBackupSelections", lambda params: {"BackupSelectionsList": [
        {"SelectionId": "sel-1", "SelectionName": selection["SelectionName"], "BackupPlanId": plan_id,
         "IamRoleArn": selection["IamRoleArn"]}]} if params.get("BackupPlanId") == plan_id else {"BackupSelectionsList": []})
    answer(session, "backup", "GetBackupSelection", lambda params: {
        "BackupSelection": selection, "SelectionId": "sel-1", "BackupPlanId": plan_id})
    # Tag-based selections cover only resource types the Region has opted in to (moto lacks the call).
    answer(session, "backup", "DescribeRegionSettings", lambda params: {
        "ResourceTypeOptInPreference": {"RDS": True, "Aurora": True, "DynamoDB": True, "EBS": True, "EC2": True}})


def test_protection_rules_accept_every_form_and_name_it(aws, catalogue):
    # One instance per Region: moto gives all instances of a Region the same DbiResourceId.
    regions = {"by-plan": "us-east-1", "by-snapshot": "us-west-2", "unprotected": "eu-west-1"}
    for name, region in regions.items():
        rds = aws.client("rds", region_name=region)
        rds.create_db_instance(DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro",
                               AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="password123",
                               BackupRetentionPeriod=0,
                               Tags=[{"Key": "backup", "Value": "daily" if name == "by-plan" else "no"}])
        _drop_moto_automated_snapshots(rds)
    aws.client("rds", region_name="us-west-2").create_db_snapshot(DBInstanceIdentifier="by-snapshot",
                                                                  DBSnapshotIdentifier="by-snapshot-manual")
    rule = {"RuleName": "daily", "TargetBackupVaultName": "Default", "ScheduleExpression": "cron(0 3 * * ? *)"}
    plan = aws.client("backup").create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [rule]})
    plan_id = plan["BackupPlanId"]
    _backup_selection_api(aws, plan_id, {"SelectionName": "tagged", "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup",
                                         "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                                                         "ConditionValue": "daily"}]})
    ddb = aws.client("dynamodb")
    ddb.create_table(TableName="orders", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
    ddb.create_backup(TableName="orders", BackupName="orders-weekly")
    rules = ["rds-instance-backup-enabled", "dynamodb-table-backup-plan", "ebs-volume-backup"]
    ec2 = aws.client("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10)["VolumeId"]
    ec2.create_snapshot(VolumeId=volume, Description="nightly")
    inventory = collect_for_rules(aws, catalogue, rules, regions=tuple(regions.values()))
    findings = _evaluate(catalogue, inventory, rules)

    by_plan = _finding(findings, "rds-instance-backup-enabled", "by-plan")
    assert by_plan["status"] == "PASS"
    assert by_plan["evidence"]["BackupRetentionPeriod"] == 0
    assert by_plan["evidence"]["derived.backup_plans"][0]["BackupPlanName"] == "daily"
    # One manual snapshot, however fresh, is not a snapshot regime (issue 9): nightly ones are,
    # which moto cannot backdate (tests/test_verdict_defects.py covers them).
    by_snapshot = _finding(findings, "rds-instance-backup-enabled", "by-snapshot")
    assert by_snapshot["status"] == "FAIL" and by_snapshot["evidence"]["derived.backup_plans"] == []
    assert [s["Identifier"] for s in by_snapshot["evidence"]["derived.manual_snapshots"]] == ["by-snapshot-manual"]
    unprotected = _finding(findings, "rds-instance-backup-enabled", "unprotected")
    assert unprotected["status"] == "FAIL"
    assert unprotected["evidence"]["derived.manual_snapshots"] == []
    table = _finding(findings, "dynamodb-table-backup-plan", "orders")
    assert table["status"] == "PASS" and table["evidence"]["derived.latest_backup_time"]
    assert table["evidence"]["derived.backup_plans"] == []
    snapshot_only = _finding(findings, "ebs-volume-backup", volume)
    assert snapshot_only["status"] == "PASS" and snapshot_only["evidence"]["derived.latest_snapshot_time"]

