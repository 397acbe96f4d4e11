"""Linkers behind the objectives: backup and snapshot schedules, replicas and global databases."""

from __future__ import annotations

from drcheck.link import link
from drcheck.linkers.backup_plans import link_plan_facts
from drcheck.linkers.dlm import link_policy_schedules
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.recovery import link_backup_schedule, link_snapshot_schedule
from drcheck.linkers.replicas import link_rds_cluster_replicas, link_rds_instance_replicas, link_replication_sources
from tests.conftest import collect_types

ACCOUNT = "123456789012"


def res(resource_type, rid, properties, region="us-east-1", derived=None, arn=None, tags=None):
    return {"resource_type": resource_type, "account_id": ACCOUNT, "region": region, "id": rid, "arn": arn,
            "name": rid, "tags": tags or {}, "properties": properties, "derived": derived or {}, "unavailable": {}}


def ok(resource_type, region="us-east-1"):
    return {"account_id": ACCOUNT, "region": region, "resource_type": resource_type, "status": "ok"}


def backup_schedules(*resources):
    """The schedule facts as the link stage computes them: the plans' own facts first."""
    index = ResourceIndex(list(resources), [])
    link_plan_facts(index)
    link_backup_schedule(index)


def snapshot_schedules(*resources):
    index = ResourceIndex(list(resources), [])
    link_policy_schedules(index)
    link_snapshot_schedule(index)


def test_backup_schedule_takes_the_most_frequent_rule_and_cross_region_copies():
    plan = res("AWS::Backup::BackupPlan", "p1", {"BackupPlan": {"Rules": [
        {"RuleName": "daily", "ScheduleExpression": "cron(0 5 ? * * *)",
         "CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:us-west-2:1:backup-vault:dr"}]},
        {"RuleName": "hourly", "ScheduleExpression": "cron(0 * ? * * *)",
         "CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:us-east-1:1:backup-vault:local"}]},
    ]}})
    table = res("AWS::DynamoDB::Table", "t", {}, derived={"backup_plans": [{"BackupPlanId": "p1"}]})
    bare = res("AWS::DynamoDB::Table", "u", {}, derived={"backup_plans": []})
    backup_schedules(plan, table, bare)
    assert table["derived"]["backup_interval"] == 3600
    assert table["derived"]["backup_copy_interval"] == 86400  # only the daily rule leaves the Region
    assert bare["derived"] == {"backup_plans": [], "backup_interval": None, "backup_copy_interval": None,
                               "backup_continuous": False}


def test_backup_schedule_unknown_when_coverage_is_unknown_or_schedule_unreadable():
    plan = res("AWS::Backup::BackupPlan", "p1", {"BackupPlan": {"Rules": [
        {"RuleName": "odd", "ScheduleExpression": "cron(0 5 * *)"}]}})
    table = res("AWS::DynamoDB::Table", "t", {}, derived={"backup_plans": [{"BackupPlanId": "p1"}]})
    unknown = res("AWS::DynamoDB::Table", "u", {})
    unknown["unavailable"]["derived.backup_plans"] = {"reason": "ListBackupPlans failed: AccessDenied"}
    backup_schedules(plan, table, unknown)
    assert "backup_interval" not in table["derived"]
    assert "six fields" in table["unavailable"]["derived.backup_interval"]["reason"]
    assert "AccessDenied" in unknown["unavailable"]["derived.backup_copy_interval"]["reason"]


def test_snapshot_schedule_from_dlm_policies():
    policy = res("AWS::DLM::LifecyclePolicy", "pol", {"Policy": {"PolicyDetails": {"Schedules": [
        {"CreateRule": {"Interval": 12, "IntervalUnit": "HOURS"},
         "CrossRegionCopyRules": [{"TargetRegion": "us-west-2"}]}]}}})
    volume = res("AWS::EC2::Volume", "v", {}, derived={"dlm_policies": [{"PolicyId": "pol"}]})
    snapshot_schedules(policy, volume)
    assert volume["derived"]["snapshot_interval"] == 43200
    assert volume["derived"]["snapshot_copy_interval"] == 43200


def test_a_backup_rule_without_a_schedule_runs_daily():
    """AWS Backup runs a rule with no ScheduleExpression daily at 05:00 UTC: the recovery estimate
    reads the plan facts' schedule (which knows that), not its own parse of the expression."""
    plan = res("AWS::Backup::BackupPlan", "p1", {"BackupPlan": {"Rules": [{"RuleName": "default"}]}})
    table = res("AWS::DynamoDB::Table", "t", {}, derived={"backup_plans": [{"BackupPlanId": "p1"}]})
    backup_schedules(plan, table)
    assert table["derived"]["backup_interval"] == 86400
    assert table["derived"]["backup_copy_interval"] is None


def test_a_dlm_default_policy_snapshots_on_its_create_interval():
    """Default policies (PolicyLanguage SIMPLIFIED) have no Schedules: CreateInterval days (default 1)."""
    policy = res("AWS::DLM::LifecyclePolicy", "pol", {"Policy": {"PolicyDetails": {
        "PolicyLanguage": "SIMPLIFIED", "ResourceType": "VOLUME", "CreateInterval": 2,
        "CrossRegionCopyTargets": [{"TargetRegion": "us-west-2"}]}}})
    volume = res("AWS::EC2::Volume", "v", {}, derived={"dlm_policies": [{"PolicyId": "pol"}]})
    snapshot_schedules(policy, volume)
    assert volume["derived"]["snapshot_interval"] == 2 * 86400
    assert volume["derived"]["snapshot_copy_interval"] == 2 * 86400


def test_rds_replicas_carry_their_region():
    source = res("AWS::RDS::DBInstance", "src", {"ReadReplicaDBInstanceIdentifiers": [
        "near", "arn:aws:rds:us-west-2:123456789012:db:far"]})
    replica = res("AWS::RDS::DBInstance", "far", {
        "ReadReplicaSourceDBInstanceIdentifier": "arn:aws:rds:us-east-1:123456789012:db:src"}, region="us-west-2")
    link_rds_instance_replicas(ResourceIndex([source, replica], []))
    assert [(r["Region"], r["CrossRegion"]) for r in source["derived"]["read_replicas"]] == [
        ("us-east-1", False), ("us-west-2", True)]
    assert source["derived"]["replica_source"] is None
    assert replica["derived"]["replica_source"]["CrossRegion"] is True


def test_global_cluster_members_and_writer():
    arn_east = "arn:aws:rds:us-east-1:123456789012:cluster:east"
    arn_west = "arn:aws:rds:us-west-2:123456789012:cluster:west"
    members = [{"DBClusterArn": arn_east, "IsWriter": True}, {"DBClusterArn": arn_west, "IsWriter": False}]
    global_cluster = res("AWS::RDS::GlobalCluster", "g", {"GlobalClusterMembers": members})
    east = res("AWS::RDS::DBCluster", "east", {}, arn=arn_east)
    west = res("AWS::RDS::DBCluster", "west", {}, region="us-west-2", arn=arn_west)
    alone = res("AWS::RDS::DBCluster", "alone", {}, arn="arn:aws:rds:us-east-1:1:cluster:alone")
    unseen = res("AWS::RDS::DBCluster", "unseen", {}, region="eu-west-1", arn="arn:aws:rds:eu-west-1:1:cluster:u")
    index = ResourceIndex([global_cluster, east, west, alone, unseen],
                          [ok("AWS::RDS::GlobalCluster"), ok("AWS::RDS::GlobalCluster", "us-west-2")])
    link_rds_cluster_replicas(index)
    assert east["derived"]["global_writer"] is True
    assert east["derived"]["global_members"][0]["Region"] == "us-west-2"
    assert west["derived"]["global_writer"] is False
    assert alone["derived"]["global_members"] == [] and alone["derived"]["global_writer"] is None
    assert "not collected" in unseen["unavailable"]["derived.global_members"]["reason"]


def test_replication_sources():
    source = res("AWS::S3::Bucket", "a", {"ReplicationConfiguration": {"Rules": [
        {"Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::b"}}]}})
    destination = res("AWS::S3::Bucket", "b", {"ReplicationConfiguration": None}, region="us-west-2")
    link_replication_sources(ResourceIndex([source, destination], []))
    assert destination["derived"]["replication_sources"] == [{"Bucket": "a", "Region": "us-east-1",
                                                              "CrossRegion": True}]
    assert source["derived"]["replication_sources"] == []


def test_cross_region_read_replica_and_global_database_from_moto(aws, catalogue):
    from drcheck.objectives.assess import prepare
    from drcheck.objectives.model import load_model
    from drcheck.objectives.scenarios import make_scenario, run_scenario
    from drcheck.objectives.settings import Settings

    rds, rds_west = aws.client("rds"), aws.client("rds", region_name="us-west-2")
    tags = [{"Key": "workload", "Value": "orders"}]
    rds.create_db_instance(DBInstanceIdentifier="src", Engine="postgres", DBInstanceClass="db.t3.micro",
                           MasterUsername="admin", MasterUserPassword="password-1", AllocatedStorage=20,
                           BackupRetentionPeriod=7, Tags=tags)
    arn = rds.describe_db_instances(DBInstanceIdentifier="src")["DBInstances"][0]["DBInstanceArn"]
    rds_west.create_db_instance_read_replica(DBInstanceIdentifier="src-dr", SourceDBInstanceIdentifier=arn,
                                             DBInstanceClass="db.t3.micro", Tags=tags)
    model = load_model(catalogue.collectors, catalogue.linkers)
    inventory = collect_types(aws, catalogue, model.needs(), regions=("us-east-1", "us-west-2"))
    prepared = prepare(link(inventory, catalogue.linkers), model, Settings())
    east = run_scenario(prepared, make_scenario(prepared, "us-east-1", None, None))
    assert east["workloads"][0]["status"] == "degraded"  # promote the replica in us-west-2
    west = run_scenario(prepared, make_scenario(prepared, "us-west-2", None, None))
    assert west["workloads"][0]["status"] == "survives"  # the source keeps the data
