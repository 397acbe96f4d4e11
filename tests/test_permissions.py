"""`drcheck permissions` covers every call a scan really makes.

A full scan (every rule) runs against moto with a botocore hook recording each operation the
clients send; each one must be declared by a collector, and its declared permission must be in
the policy the CLI prints. An undeclared call, or a declared one left out of the policy, fails.
"""

from __future__ import annotations

import json

import botocore.session
from typer.testing import CliRunner

from drcheck.cli import app
from tests.conftest import ACCOUNT, collect_types


def _declared(collectors) -> dict[tuple[str, str], str]:
    """(botocore service id, operation) -> the IAM permission its declaration gives."""
    core = botocore.session.get_session()
    declared = {}
    for collector in collectors.values():
        service_id = core.get_service_model(collector.service).service_id.hyphenize()
        declared[(service_id, collector.list_operation)] = collector.list_permission
        for detail in collector.details:
            declared[(service_id, detail.operation)] = detail.permission
    return declared


def _seed(session):
    s3 = session.client("s3")
    s3.create_bucket(Bucket="assets-bucket")
    s3.put_bucket_versioning(Bucket="assets-bucket", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket="assets-bucket", ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication",
        "Rules": [{"ID": "dr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": "arn:aws:s3:::bucket-in-another-account"}}]})
    ec2 = session.client("ec2")
    subnets = ec2.describe_subnets()["Subnets"]
    instance = ec2.run_instances(ImageId="ami-12345678", InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                 SubnetId=subnets[0]["SubnetId"])["Instances"][0]["InstanceId"]
    ec2.create_snapshot(VolumeId=ec2.describe_volumes()["Volumes"][0]["VolumeId"])
    session.client("rds").create_db_instance(DBInstanceIdentifier="orders", Engine="postgres", AllocatedStorage=20,
                                             DBInstanceClass="db.t3.micro", MasterUsername="admin",
                                             MasterUserPassword="password123")
    session.client("dynamodb").create_table(TableName="orders", BillingMode="PAY_PER_REQUEST",
                                            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                                            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
    session.client("elb").create_load_balancer(LoadBalancerName="legacy", AvailabilityZones=["us-east-1a"],
                                               Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])
    elbv2 = session.client("elbv2")
    elbv2.create_load_balancer(Name="web", Subnets=[subnets[0]["SubnetId"], subnets[1]["SubnetId"]])
    group = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=subnets[0]["VpcId"])["TargetGroups"][0]
    elbv2.register_targets(TargetGroupArn=group["TargetGroupArn"], Targets=[{"Id": instance}])
    session.client("efs").create_file_system(CreationToken="share")
    session.client("elasticache").create_replication_group(
        ReplicationGroupId="sessions", ReplicationGroupDescription="sessions", Engine="redis",
        CacheNodeType="cache.t3.micro", NumCacheClusters=2)
    session.client("opensearch").create_domain(DomainName="logs")
    session.client("memorydb").create_cluster(ClusterName="ledger", NodeType="db.t4g.small", ACLName="open-access")
    session.client("dax").create_cluster(ClusterName="reads", NodeType="dax.t3.small", ReplicationFactor=1,
                                         IamRoleArn=f"arn:aws:iam::{ACCOUNT}:role/dax")
    session.client("backup").create_backup_vault(BackupVaultName="vault")
    session.client("backup").create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": "vault", "ScheduleExpression": "cron(0 3 * * ? *)"}]})


def test_every_call_of_a_full_scan_is_declared_and_in_the_printed_policy(aws, catalogue):
    result = CliRunner().invoke(app, ["permissions"])
    assert result.exit_code == 0, result.output
    policy = json.loads(result.output)
    allowed = set(policy["Statement"][0]["Action"])
    _seed(aws)
    called: list[tuple[str, str]] = []
    aws.events.register("before-call", lambda event_name, **_: called.append(tuple(event_name.split(".")[1:3])))

    collect_types(aws, catalogue, [(r.resource_type, r.field_roots()) for r in catalogue.rules],
                  regions=("us-east-1", "us-west-2"))

    declared = _declared(catalogue.collectors)
    undeclared = sorted({call for call in called if call not in declared})
    assert not undeclared, f"calls no collector declares: {undeclared}"
    missing = sorted({declared[call] for call in called} - allowed)
    assert not missing, f"called but not in `drcheck permissions`: {missing}"
    # The scan exercised list calls, per-resource details and per-item details alike.
    for call in [("s3", "ListBuckets"), ("ec2", "DescribeInstanceAttribute"), ("s3", "HeadBucket"),
                 ("elastic-load-balancing-v2", "DescribeTargetHealth"), ("dynamodb", "DescribeContinuousBackups"),
                 ("efs", "DescribeReplicationConfigurations"), ("opensearch", "DescribeDomain")]:
        assert call in called, call
    assert len(set(called)) >= 45


def test_policy_follows_the_selected_rules():
    runner = CliRunner()
    only_s3 = json.loads(runner.invoke(app, ["permissions", "--only", "s3"]).output)["Statement"][0]["Action"]
    assert "s3:ListAllMyBuckets" in only_s3 and "rds:DescribeDBInstances" not in only_s3
    everything = json.loads(runner.invoke(app, ["permissions"]).output)["Statement"][0]["Action"]
    assert set(only_s3) < set(everything)
    assert all(":" in action and " " not in action for action in everything)
