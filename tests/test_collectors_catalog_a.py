"""Collectors of the first half of the catalogue against moto (or Stubber where moto lacks the
API): the real request and response shapes, and what a refused call turns into."""

from __future__ import annotations

import pytest

from drcheck.collectors import all_collectors
from drcheck.evaluate import evaluate
from drcheck.link import link
from tests.aws_hooks import answer, deny
from tests.conftest import collect_for_rules, verdicts

# Resource types this half of the catalogue added, with a rule that reads them.
NEW_TYPES = {
    "AWS::ElasticLoadBalancing::LoadBalancer": "elb-load-balancer-multi-az",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "elbv2-target-group-healthy-targets-multi-az",
    "AWS::FSx::FileSystem": "fsx-file-system-multi-az",
    "AWS::MemoryDB::Cluster": "memorydb-cluster-snapshot-retention",
    "AWS::Redshift::Cluster": "redshift-cluster-multi-az",
    "AWS::OpenSearchService::Domain": "opensearch-domain-zone-awareness",
    "AWS::DAX::Cluster": "dax-cluster-multi-az",
    "AWS::ElastiCache::ServerlessCache": "elasticache-serverless-cache-snapshot-retention",
    "AWS::RDS::GlobalCluster": "rds-global-cluster-multi-region",
    "AWS::RDS::DBInstanceAutomatedBackup": "rds-automated-backup-replication-current",
}


def _evaluate(catalogue, inventory, rule_ids):
    return evaluate([r for r in catalogue.rules if r.id in set(rule_ids)], link(inventory, catalogue.linkers))


def _finding(findings, rule_id, name):
    return next(f for f in findings if f["rule_id"] == rule_id and f["resource_name"] == name)


@pytest.mark.parametrize("resource_type,rule_id", NEW_TYPES.items(), ids=list(NEW_TYPES))
def test_refused_listing_is_unknown_with_the_missing_permission(aws, catalogue, resource_type, rule_id):
    collector = all_collectors()[resource_type]
    deny(aws, collector.service, collector.list_operation)
    inventory = collect_for_rules(aws, catalogue, [rule_id])
    findings = _evaluate(catalogue, inventory, [rule_id])
    scope = "global" if collector.scope == "global" else "us-east-1"
    assert [(f["status"], f["resource_id"], f["region"]) for f in findings] == [("UNKNOWN", "*", scope)]
    assert findings[0]["missing_permissions"] == [collector.list_permission]
    assert "AccessDenied" in findings[0]["reason"]


# Listings only linkers read: a refusal makes the rule that needs them UNKNOWN for each resource.
LINKED = [
    ("ec2", "DescribeSubnets", "autoscaling-group-subnet-ip-headroom", "ec2:DescribeSubnets"),
    ("application-autoscaling", "DescribeScalableTargets", "dynamodb-table-capacity-scaling",
     "application-autoscaling:DescribeScalableTargets"),
    ("dynamodb", "ListBackups", "dynamodb-table-backup-plan", "dynamodb:ListBackups"),
    ("rds", "DescribeDBSnapshots", "rds-instance-backup-enabled", "rds:DescribeDBSnapshots"),
    ("rds", "DescribeDBClusterSnapshots", "rds-cluster-cross-region", "rds:DescribeDBClusterSnapshots"),
    ("elbv2", "DescribeTargetHealth", "elbv2-target-group-healthy-targets-multi-az",
     "elasticloadbalancing:DescribeTargetHealth"),
]


def _seed_for_linked(session):
    ec2 = session.client("ec2")
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    template = ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={"ImageId": "ami-12345678",
                                                                                        "InstanceType": "t3.micro"})
    session.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="web", MinSize=0, MaxSize=4, DesiredCapacity=0, VPCZoneIdentifier=subnet,
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplate"]["LaunchTemplateId"]})
    session.client("dynamodb").create_table(
        TableName="orders", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    session.client("rds").create_db_instance(
        DBInstanceIdentifier="stalled", Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
        MasterUsername="admin", MasterUserPassword="password123", BackupRetentionPeriod=0)
    session.client("rds").create_db_cluster(DBClusterIdentifier="orders", Engine="aurora-postgresql",
                                            MasterUsername="admin", MasterUserPassword="password123")
    subnets = ec2.describe_subnets()["Subnets"]
    elbv2 = session.client("elbv2")
    lb = elbv2.create_load_balancer(Name="web", Subnets=[subnets[0]["SubnetId"], subnets[1]["SubnetId"]])
    group = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=subnets[0]["VpcId"])
    elbv2.create_listener(LoadBalancerArn=lb["LoadBalancers"][0]["LoadBalancerArn"], Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroups"][0]["TargetGroupArn"]}])


@pytest.mark.parametrize("service,operation,rule_id,permission", LINKED, ids=[x[1] for x in LINKED])
def test_refused_linked_listing_makes_dependent_rules_unknown(aws, catalogue, service, operation, rule_id,
                                                             permission):
    _seed_for_linked(aws)
    deny(aws, service, operation)
    inventory = collect_for_rules(aws, catalogue, [rule_id])
    findings = [f for f in _evaluate(catalogue, inventory, [rule_id]) if f["resource_id"] != "*"]
    assert len(findings) == 1 and findings[0]["status"] == "UNKNOWN"
    assert operation in findings[0]["reason"]
    assert permission in findings[0]["missing_permissions"]


# -- EC2, EBS, Auto Scaling, load balancers ---------------------------------------------------------


def _subnets_by_zone(session, region="us-east-1"):
    subnets = session.client("ec2", region_name=region).describe_subnets(
        Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    return {s["AvailabilityZone"]: s for s in subnets}


def _run(session, zone, count=1, tags=None, **extra):
    subnet = _subnets_by_zone(session)[zone]["SubnetId"]
    spec = [{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}] if tags else []
    reservation = session.client("ec2").run_instances(ImageId="ami-12345678", InstanceType="t3.micro", MinCount=count,
                                                      MaxCount=count, SubnetId=subnet, TagSpecifications=spec, **extra)
    return [i["InstanceId"] for i in reservation["Instances"]]


def test_termination_protection_is_read_per_instance(aws, catalogue):
    protected = _run(aws, "us-east-1a")[0]
    aws.client("ec2").modify_instance_attribute(InstanceId=protected, DisableApiTermination={"Value": True})
    open_ = _run(aws, "us-east-1a")[0]
    in_group = _run(aws, "us-east-1a", tags={"aws:autoscaling:groupName": "web"})[0]
    rule = "ec2-instance-termination-protection"
    findings = _evaluate(catalogue, collect_for_rules(aws, catalogue, [rule]), [rule])
    assert verdicts(findings, rule) == {protected: "PASS", open_: "FAIL", in_group: "NOT_APPLICABLE"}
    assert _finding(findings, rule, protected)["evidence"]["DisableApiTermination.Value"] is True


def test_termination_protection_refused_is_unknown(aws, catalogue):
    instance = _run(aws, "us-east-1a")[0]
    deny(aws, "ec2", "DescribeInstanceAttribute")
    rule = "ec2-instance-termination-protection"
    findings = _evaluate(catalogue, collect_for_rules(aws, catalogue, [rule]), [rule])
    finding = _finding(findings, rule, instance)
    assert finding["status"] == "UNKNOWN"
    assert finding["missing_permissions"] == ["ec2:DescribeInstanceAttribute"]


def test_workload_zones_group_standalone_instances_by_tag(aws, catalogue):
    web = _run(aws, "us-east-1a", tags={"Workload": "web"}) + _run(aws, "us-east-1b", tags={"workload": "web"})
    billing = _run(aws, "us-east-1a", count=2, tags={"Application": "billing"})
    untagged = _run(aws, "us-east-1a")
    rule = "ec2-instance-workload-multi-az"
    seen = verdicts(_evaluate(catalogue, collect_for_rules(aws, catalogue, [rule]), [rule]), rule)
    assert {seen[i] for i in web} == {"PASS"}
    assert {seen[i] for i in billing} == {"FAIL"}
    assert seen[untagged[0]] == "NOT_APPLICABLE"


def test_classic_load_balancer(aws, catalogue):
    elb = aws.client("elb")
    elb.create_load_balancer(LoadBalancerName="legacy", AvailabilityZones=["us-east-1a", "us-east-1b"],
                             Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])
    elb.create_load_balancer(LoadBalancerName="lonely", AvailabilityZones=["us-east-1a"],
                             Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])
    elb.modify_load_balancer_attributes(LoadBalancerName="legacy", LoadBalancerAttributes={
        "CrossZoneLoadBalancing": {"Enabled": True}})
    instances = _run(aws, "us-east-1a") + _run(aws, "us-east-1b")
    elb.register_instances_with_load_balancer(LoadBalancerName="legacy", Instances=[{"InstanceId": i} for i in instances])
    elb.add_tags(LoadBalancerNames=["legacy"], Tags=[{"Key": "Name", "Value": "legacy-web"}])
    rules = ["elb-load-balancer-multi-az", "elb-load-balancer-cross-zone", "elb-load-balancer-healthy-instances-multi-az"]
    inventory = collect_for_rules(aws, catalogue, rules)
    findings = _evaluate(catalogue, inventory, rules)
    assert verdicts(findings, "elb-load-balancer-multi-az") == {"legacy-web": "PASS", "lonely": "FAIL"}
    assert verdicts(findings, "elb-load-balancer-cross-zone") == {"legacy-web": "PASS", "lonely": "FAIL"}
    healthy = verdicts(findings, "elb-load-balancer-healthy-instances-multi-az")
    assert healthy == {"legacy-web": "PASS", "lonely": "FAIL"}
    record = next(r for r in inventory["resources"] if r["id"] == "legacy")
    assert record["arn"] == "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/legacy"


def test_classic_load_balancer_attributes_refused(aws, catalogue):
    aws.client("elb").create_load_balancer(LoadBalancerName="legacy", AvailabilityZones=["us-east-1a"],
                                           Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])
    deny(aws, "elb", "DescribeLoadBalancerAttributes")
    rule = "elb-load-balancer-cross-zone"
    finding = _evaluate(catalogue, collect_for_rules(aws, catalogue, [rule]), [rule])[0]
    assert finding["status"] == "UNKNOWN"
    assert finding["missing_permissions"] == ["elasticloadbalancing:DescribeLoadBalancerAttributes"]


def test_target_groups_and_load_balancer_attributes(aws, catalogue):
    subnets = _subnets_by_zone(aws)
    elbv2 = aws.client("elbv2")
    lb = elbv2.create_load_balancer(Name="web", Subnets=[subnets[z]["SubnetId"] for z in ("us-east-1a", "us-east-1b")],
                                    Type="application")["LoadBalancers"][0]
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"],
                                          Attributes=[{"Key": "deletion_protection.enabled", "Value": "true"}])
    vpc = subnets["us-east-1a"]["VpcId"]
    spread = elbv2.create_target_group(Name="spread", Protocol="HTTP", Port=80, VpcId=vpc,
                                       TargetType="instance")["TargetGroups"][0]
    bunched = elbv2.create_target_group(Name="bunched", Protocol="HTTP", Port=80, VpcId=vpc,
                                        TargetType="instance")["TargetGroups"][0]
    for port, group in enumerate((spread, bunched), start=8000):
        elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=port,
                              DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}])
    a, b = _run(aws, "us-east-1a")[0], _run(aws, "us-east-1b")[0]
    elbv2.register_targets(TargetGroupArn=spread["TargetGroupArn"], Targets=[{"Id": a}, {"Id": b}])
    elbv2.register_targets(TargetGroupArn=bunched["TargetGroupArn"], Targets=[{"Id": a}])
    rules = ["elbv2-load-balancer-deletion-protection", "elbv2-target-group-healthy-targets-multi-az",
             "elbv2-target-group-targets-in-every-zone"]
    findings = _evaluate(catalogue, collect_for_rules(aws, catalogue, rules), rules)
    assert verdicts(findings, "elbv2-load-balancer-deletion-protection") == {"web": "PASS"}
    assert verdicts(findings, "elbv2-target-group-healthy-targets-multi-az") == {"spread": "PASS", "bunched": "FAIL"}
    assert verdicts(findings, "elbv2-target-group-targets-in-every-zone") == {"spread": "PASS", "bunched": "FAIL"}
    evidence = _finding(findings, "elbv2-target-group-targets-in-every-zone", "bunched")["evidence"]
    assert evidence["derived.zones_without_healthy_targets"] == ["us-east-1b"]


def _no_dlm_policies(session):
    answer(session, "dlm", "GetLifecyclePolicies", lambda params: {"Policies": []})  # moto has no DLM


def _group(session, name, zones, *, max_size=4, desired=2, **extra):
    ec2 = session.client("ec2")
    template = ec2.create_launch_template(LaunchTemplateName=f"{name}-lt", LaunchTemplateData={
        "ImageId": "ami-12345678", "InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
    subnets = _subnets_by_zone(session)
    session.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=name, MinSize=min(desired, 1), MaxSize=max_size, DesiredCapacity=desired,
        VPCZoneIdentifier=",".join(subnets[z]["SubnetId"] for z in zones),
        LaunchTemplate={"LaunchTemplateId": template}, **extra)


def test_auto_scaling_groups(aws, catalogue):
    subnets = _subnets_by_zone(aws)
    vpc = subnets["us-east-1a"]["VpcId"]
    group = aws.client("elbv2").create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]
    _group(aws, "web", ["us-east-1a", "us-east-1b"], TargetGroupARNs=[group["TargetGroupArn"]])
    _group(aws, "workers", ["us-east-1a"], max_size=10_000)
    rules = ["autoscaling-group-elb-health-check", "autoscaling-group-subnet-ip-headroom",
             "autoscaling-group-instances-multi-az", "autoscaling-group-min-size"]
    inventory = collect_for_rules(aws, catalogue, rules)
    findings = _evaluate(catalogue, inventory, rules)
    assert verdicts(findings, "autoscaling-group-elb-health-check") == {"web": "FAIL", "workers": "NOT_APPLICABLE"}
    assert verdicts(findings, "autoscaling-group-min-size") == {"web": "FAIL", "workers": "NOT_APPLICABLE"}
    # moto launches every instance of a group in its first zone: exactly what this rule catches.
    assert verdicts(findings, "autoscaling-group-instances-multi-az")["web"] == "FAIL"
    headroom = {f["resource_name"]: f for f in findings if f["rule_id"] == "autoscaling-group-subnet-ip-headroom"}
    assert headroom["web"]["status"] == "PASS"
    free = {z: s["AvailableIpAddressCount"] for z, s in _subnets_by_zone(aws).items()}
    running = [i["AvailabilityZone"] for i in aws.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]["Instances"]]
    # Lose one zone, and the other must hold MaxSize (4): its free addresses minus the
    # instances it still has to launch. The worse of the two zones is the headroom.
    expected = min(free["us-east-1b"] - (4 - running.count("us-east-1b")),
                   free["us-east-1a"] - (4 - running.count("us-east-1a")))
    assert headroom["web"]["evidence"]["derived.subnet_ip_headroom.Headroom"] == expected
    assert headroom["workers"]["status"] == "FAIL"  # 10,000 instances do not fit a /20


def test_ebs_volumes_of_auto_scaling_instances_are_not_judged(aws, catalogue):
    standalone = _run(aws, "us-east-1a")[0]
    in_group = _run(aws, "us-east-1a", tags={"aws:autoscaling:groupName": "web"})[0]
    volumes = {v["Attachments"][0]["InstanceId"]: v["VolumeId"]
               for v in aws.client("ec2").describe_volumes()["Volumes"] if v["Attachments"]}
    _no_dlm_policies(aws)
    rules = ["ebs-volume-backup", "ebs-volume-recent-snapshot"]
    findings = _evaluate(catalogue, collect_for_rules(aws, catalogue, rules), rules)
    for rule in rules:
        seen = verdicts(findings, rule)
        assert seen[volumes[in_group]] == "NOT_APPLICABLE"
        assert seen[volumes[standalone]] == "FAIL"


def test_ebs_cross_region_copies_are_found_from_the_description(aws, catalogue):
    east = aws.client("ec2")
    copied = east.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    lonely = east.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    snapshot = east.create_snapshot(VolumeId=copied, Description="nightly")["SnapshotId"]
    east.create_snapshot(VolumeId=lonely, Description="nightly")
    west = aws.client("ec2", region_name="us-west-2")
    first = west.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=snapshot,
                               Description=f"[Copied {snapshot} from us-east-1] nightly")["SnapshotId"]
    # A copy of the copy, one more Region away.
    aws.client("ec2", region_name="eu-west-1").copy_snapshot(
        SourceRegion="us-west-2", SourceSnapshotId=first, Description=f"[Copied {first} from us-west-2] nightly")
    _no_dlm_policies(aws)
    rule = "ebs-volume-cross-region-copy"
    inventory = collect_for_rules(aws, catalogue, [rule], regions=("us-east-1", "us-west-2", "eu-west-1"))
    findings = _evaluate(catalogue, inventory, [rule])
    assert verdicts(findings, rule) == {copied: "PASS", lonely: "FAIL"}
    copies = _finding(findings, rule, copied)["evidence"]["derived.snapshot_copies"]
    assert sorted(c["Region"] for c in copies) == ["eu-west-1", "us-west-2"]


# -- APIs moto lacks: botocore's Stubber checks requests and canned answers against the API models --


def _stubbed_factory(stubs):
    """A client factory whose clients for the given (service, Region) are stubbed; the rest use moto."""
    from botocore.stub import Stubber

    from drcheck.collect.session import client_config, make_client_factory

    real = make_client_factory(client_config(1, max_attempts=1))
    stubbers = []

    def make(session, service, region):
        client = real(session, service, region)
        if (service, region) in stubs:
            stubber = Stubber(client)
            stubs[(service, region)](stubber)
            stubber.activate()
            stubbers.append(stubber)
        return client

    return make, stubbers


def _collect_stubbed(session, catalogue, rule_ids, stubs, regions=("us-east-1",)):
    from drcheck.collect.plan import make_plan
    from drcheck.collect.runner import collect
    from tests.conftest import account

    rules = [r for r in catalogue.rules if r.id in set(rule_ids)]
    plan = make_plan([(r.resource_type, r.field_roots()) for r in rules], catalogue.collectors, catalogue.linkers)
    factory, stubbers = _stubbed_factory(stubs)
    # One worker: calls reach each stubbed client in the order they were scheduled.
    inventory = collect(plan, [account(session, regions)], client_factory=factory, max_workers=1)
    for stubber in stubbers:
        stubber.assert_no_pending_responses()
    return inventory


def _now(hours_ago=0.0):
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC) - timedelta(hours=hours_ago)


def _file_system(fs_id):
    return {"OwnerId": "123456789012", "CreationToken": fs_id, "FileSystemId": fs_id,
            "FileSystemArn": f"arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/{fs_id}",
            "CreationTime": _now(1000), "LifeCycleState": "available", "NumberOfMountTargets": 2,
            "SizeInBytes": {"Value": 6144}, "PerformanceMode": "generalPurpose", "Tags": []}


def test_efs_backup_policy_and_replication(aws, catalogue):
    ids = ["fs-protected", "fs-bare", "fs-replica", "fs-refused"]

    def efs(stub):
        listed = [_file_system(i) for i in ids]
        listed[2]["FileSystemProtection"] = {"ReplicationOverwriteProtection": "REPLICATING"}
        stub.add_response("describe_file_systems", {"FileSystems": listed}, {})
        # fs-protected: automatic backups and a current replica in us-west-2
        stub.add_response("describe_backup_policy", {"BackupPolicy": {"Status": "ENABLED"}}, {"FileSystemId": ids[0]})
        stub.add_response("describe_replication_configurations", {"Replications": [{
            "SourceFileSystemId": ids[0], "SourceFileSystemRegion": "us-east-1", "SourceFileSystemArn": "arn:src",
            "OriginalSourceFileSystemArn": "arn:src", "CreationTime": _now(500), "Destinations": [
                {"Status": "ENABLED", "FileSystemId": "fs-west", "Region": "us-west-2",
                 "LastReplicatedTimestamp": _now(0.2)}]}]}, {"FileSystemId": ids[0]})
        # fs-bare: never configured (both "not found" errors are answers)
        stub.add_client_error("describe_backup_policy", "PolicyNotFound", http_status_code=404,
                              expected_params={"FileSystemId": ids[1]})
        stub.add_client_error("describe_replication_configurations", "ReplicationNotFound", http_status_code=404,
                              expected_params={"FileSystemId": ids[1]})
        # fs-replica: the destination of a file system in eu-west-1
        stub.add_client_error("describe_backup_policy", "PolicyNotFound", http_status_code=404,
                              expected_params={"FileSystemId": ids[2]})
        stub.add_response("describe_replication_configurations", {"Replications": [{
            "SourceFileSystemId": "fs-origin", "SourceFileSystemRegion": "eu-west-1", "SourceFileSystemArn": "arn:o",
            "OriginalSourceFileSystemArn": "arn:o", "CreationTime": _now(500), "Destinations": [
                {"Status": "ENABLED", "FileSystemId": ids[2], "Region": "us-east-1"}]}]}, {"FileSystemId": ids[2]})
        # fs-refused: no permission to read the backup policy
        stub.add_client_error("describe_backup_policy", "AccessDeniedException", http_status_code=403,
                              expected_params={"FileSystemId": ids[3]})
        stub.add_client_error("describe_replication_configurations", "ReplicationNotFound", http_status_code=404,
                              expected_params={"FileSystemId": ids[3]})

    rules = ["efs-file-system-backup", "efs-file-system-cross-region-replication", "efs-file-system-replication-current"]
    inventory = _collect_stubbed(aws, catalogue, rules, {("efs", "us-east-1"): efs})
    findings = _evaluate(catalogue, inventory, rules)
    assert verdicts(findings, "efs-file-system-backup") == {
        "fs-protected": "PASS", "fs-bare": "FAIL", "fs-replica": "NOT_APPLICABLE", "fs-refused": "UNKNOWN"}
    assert _finding(findings, "efs-file-system-backup", "fs-refused")["missing_permissions"] == [
        "elasticfilesystem:DescribeBackupPolicy"]
    assert verdicts(findings, "efs-file-system-cross-region-replication") == {
        "fs-protected": "PASS", "fs-bare": "FAIL", "fs-replica": "NOT_APPLICABLE", "fs-refused": "FAIL"}
    assert verdicts(findings, "efs-file-system-replication-current") == {
        "fs-protected": "PASS", "fs-bare": "NOT_APPLICABLE", "fs-replica": "NOT_APPLICABLE",
        "fs-refused": "NOT_APPLICABLE"}


def _table(name, **extra):
    return {"TableName": name, "TableArn": f"arn:aws:dynamodb:us-east-1:123456789012:table/{name}",
            "TableStatus": "ACTIVE", "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"}, **extra}


def test_dynamodb_global_table_replicas(aws, catalogue):
    tables = {
        "global": _table("global", GlobalTableVersion="2019.11.21", Replicas=[
            {"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}, {"RegionName": "us-west-2", "ReplicaStatus": "ACTIVE"}]),
        "becoming-global": _table("becoming-global", GlobalTableVersion="2019.11.21", Replicas=[
            {"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"},
            {"RegionName": "eu-west-1", "ReplicaStatus": "CREATING"}]),
        "legacy": _table("legacy", GlobalTableVersion="2017.11.29"),
        "regional": _table("regional"),
    }

    def dynamodb(stub):
        stub.add_response("list_tables", {"TableNames": list(tables)}, {})
        for name, description in tables.items():
            stub.add_response("describe_table", {"Table": description}, {"TableName": name})
            stub.add_response("list_tags_of_resource", {"Tags": []}, {"ResourceArn": description["TableArn"]})

    rule = "dynamodb-table-cross-region-copy"
    inventory = _collect_stubbed(aws, catalogue, [rule], {("dynamodb", "us-east-1"): dynamodb})
    findings = _evaluate(catalogue, inventory, [rule])
    assert verdicts(findings, rule) == {"global": "PASS", "becoming-global": "FAIL", "legacy": "UNKNOWN",
                                        "regional": "FAIL"}
    # The table's own Region is not a copy of it.
    assert _finding(findings, rule, "global")["evidence"]["derived.replicas"] == [
        {"RegionName": "us-west-2", "ReplicaStatus": "ACTIVE"}]
    assert "2017.11.29" in _finding(findings, rule, "legacy")["reason"]


def test_rds_instance_copies_in_other_regions(aws, catalogue):
    account = "123456789012"
    replicated_arn = f"arn:aws:rds:us-west-2:{account}:auto-backup:ab-replicated"

    def instance(name, **extra):
        return {"DBInstanceIdentifier": name, "DBInstanceArn": f"arn:aws:rds:us-east-1:{account}:db:{name}",
                "DbiResourceId": f"db-{name.upper()}", "Engine": "postgres", "DBInstanceStatus": "available", **extra}

    def east(stub):
        stub.add_response("describe_db_instances", {"DBInstances": [
            instance("replicated",
                     DBInstanceAutomatedBackupsReplications=[{"DBInstanceAutomatedBackupsArn": replicated_arn}]),
            instance("with-replica",
                     ReadReplicaDBInstanceIdentifiers=[f"arn:aws:rds:eu-west-1:{account}:db:with-replica-dr"]),
            instance("local-replica-only", ReadReplicaDBInstanceIdentifiers=["local-replica-only-r"]),
            instance("snapshot-copied"),
        ]}, {})
        stub.add_response("describe_db_instance_automated_backups", {"DBInstanceAutomatedBackups": []}, {})
        stub.add_response("describe_db_snapshots", {"DBSnapshots": []}, {})

    def west(stub):
        stub.add_response("describe_db_instances", {"DBInstances": []}, {})
        stub.add_response("describe_db_instance_automated_backups", {"DBInstanceAutomatedBackups": [{
            "DBInstanceArn": f"arn:aws:rds:us-east-1:{account}:db:replicated", "DbiResourceId": "db-REPLICATED",
            "Region": "us-east-1", "DBInstanceIdentifier": "replicated", "Status": "replicating",
            "DBInstanceAutomatedBackupsArn": replicated_arn,
            "RestoreWindow": {"EarliestTime": _now(24 * 7), "LatestTime": _now(0.1)}}]}, {})
        stub.add_response("describe_db_snapshots", {"DBSnapshots": [{
            "DBSnapshotIdentifier": "copied-tonight", "DBInstanceIdentifier": "snapshot-copied",
            "DbiResourceId": "db-SNAPSHOT-COPIED", "SourceRegion": "us-east-1", "Status": "available",
            "SnapshotType": "manual", "SnapshotCreateTime": _now(3),
            "DBSnapshotArn": f"arn:aws:rds:us-west-2:{account}:snapshot:copied-tonight"}]}, {})

    rules = ["rds-instance-cross-region", "rds-automated-backup-replication-current"]
    inventory = _collect_stubbed(aws, catalogue, rules, {("rds", "us-east-1"): east, ("rds", "us-west-2"): west},
                                 regions=("us-east-1", "us-west-2"))
    findings = _evaluate(catalogue, inventory, rules)
    assert verdicts(findings, "rds-instance-cross-region") == {
        "replicated": "PASS", "with-replica": "PASS", "local-replica-only": "FAIL", "snapshot-copied": "PASS"}
    kinds = _finding(findings, "rds-instance-cross-region", "replicated")["evidence"]["derived.cross_region_copies"]
    assert kinds[0]["Kind"] == "automated-backup-replication" and kinds[0]["Status"] == "replicating"
    assert verdicts(findings, "rds-automated-backup-replication-current") == {"replicated": "PASS"}


def test_elasticache_serverless_caches(aws, catalogue):
    caches = [("sessions", "valkey", 7), ("queue", "redis", 0), ("memo", "memcached", 0)]

    def elasticache(stub):
        stub.add_response("describe_serverless_caches", {"ServerlessCaches": [
            {"ServerlessCacheName": name, "Engine": engine, "SnapshotRetentionLimit": days,
             "ARN": f"arn:aws:elasticache:us-east-1:123456789012:serverlesscache:{name}"}
            for name, engine, days in caches]}, {})
        for name, _, _ in caches:
            stub.add_response("list_tags_for_resource", {"TagList": [{"Key": "team", "Value": "core"}]},
                              {"ResourceName": f"arn:aws:elasticache:us-east-1:123456789012:serverlesscache:{name}"})

    rule = "elasticache-serverless-cache-snapshot-retention"
    inventory = _collect_stubbed(aws, catalogue, [rule], {("elasticache", "us-east-1"): elasticache})
    findings = _evaluate(catalogue, inventory, [rule])
    assert verdicts(findings, rule) == {"sessions": "PASS", "queue": "FAIL", "memo": "NOT_APPLICABLE"}
    assert findings[0]["tags"] == {"team": "core"}


# -- S3, DynamoDB, RDS snapshots and the remaining services on moto --------------------------------


def test_s3_object_lock_mfa_delete_and_lifecycle(aws, catalogue):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="vault-bucket", ObjectLockEnabledForBucket=True)
    for name in ("careless-bucket", "careful-bucket", "plain-bucket"):
        s3.create_bucket(Bucket=name)
    for name in ("careless-bucket", "careful-bucket"):
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    for name, days in (("careless-bucket", 1), ("careful-bucket", 30)):
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [
            {"ID": "tidy", "Status": "Enabled", "Filter": {"Prefix": ""},
             "NoncurrentVersionExpiration": {"NoncurrentDays": days}}]})
    rules = ["s3-bucket-object-lock", "s3-bucket-mfa-delete", "s3-bucket-lifecycle-keeps-noncurrent-versions"]
    findings = _evaluate(catalogue, collect_for_rules(aws, catalogue, rules), rules)
    assert verdicts(findings, "s3-bucket-object-lock") == {
        "vault-bucket": "PASS", "careless-bucket": "FAIL", "careful-bucket": "FAIL", "plain-bucket": "NOT_APPLICABLE"}
    assert verdicts(findings, "s3-bucket-mfa-delete")["careful-bucket"] == "FAIL"
    assert verdicts(findings, "s3-bucket-lifecycle-keeps-noncurrent-versions") == {
        "vault-bucket": "PASS", "careless-bucket": "FAIL", "careful-bucket": "PASS", "plain-bucket": "NOT_APPLICABLE"}


def test_s3_lifecycle_refused_is_unknown(aws, catalogue):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="guarded-bucket")
    s3.put_bucket_versioning(Bucket="guarded-bucket", VersioningConfiguration={"Status": "Enabled"})
    deny(aws, "s3", "GetBucketLifecycleConfiguration")
    rule = "s3-bucket-lifecycle-keeps-noncurrent-versions"
    finding = _evaluate(catalogue, collect_for_rules(aws, catalogue, [rule]), [rule])[0]
    assert finding["status"] == "UNKNOWN"
    assert finding["missing_permissions"] == ["s3:GetLifecycleConfiguration"]


def test_dynamodb_capacity_scaling_and_backups(aws, catalogue):
    ddb = aws.client("dynamodb")
    key = {"KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
           "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}]}
    ddb.create_table(TableName="on-demand", BillingMode="PAY_PER_REQUEST", **key)
    for name in ("half-scaled", "scaled"):
        ddb.create_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}, **key)
    scaling = aws.client("application-autoscaling")
    for table, dimension in [("half-scaled", "Read"), ("scaled", "Read"), ("scaled", "Write")]:
        scaling.register_scalable_target(ServiceNamespace="dynamodb", ResourceId=f"table/{table}", MinCapacity=5,
                                         MaxCapacity=50, ScalableDimension=f"dynamodb:table:{dimension}CapacityUnits")
    ddb.create_backup(TableName="scaled", BackupName="scaled-weekly")
    rules = ["dynamodb-table-capacity-scaling", "dynamodb-table-backup-plan"]
    findings = _evaluate(catalogue, collect_for_rules(aws, catalogue, rules), rules)
    assert verdicts(findings, "dynamodb-table-capacity-scaling") == {
        "on-demand": "PASS", "half-scaled": "FAIL", "scaled": "PASS"}
    missing = _finding(findings, "dynamodb-table-capacity-scaling", "half-scaled")["evidence"]["derived.unscaled_capacity"]
    assert missing == ["table/half-scaled WriteCapacityUnits"]
    assert verdicts(findings, "dynamodb-table-backup-plan") == {
        "on-demand": "FAIL", "half-scaled": "FAIL", "scaled": "PASS"}


def test_rds_cluster_snapshots_and_global_clusters(aws, catalogue):
    rds = aws.client("rds")
    cluster = rds.create_db_cluster(DBClusterIdentifier="orders", Engine="aurora-postgresql", MasterUsername="admin",
                                    MasterUserPassword="password123", CopyTagsToSnapshot=True)["DBCluster"]
    rds.create_db_cluster_snapshot(DBClusterIdentifier="orders", DBClusterSnapshotIdentifier="orders-manual")
    rds.create_global_cluster(GlobalClusterIdentifier="orders-global", SourceDBClusterIdentifier=cluster["DBClusterArn"])
    rules = ["rds-cluster-recent-recovery-point", "rds-cluster-copy-tags-to-snapshot", "rds-cluster-cross-region",
             "rds-global-cluster-multi-region"]
    inventory = collect_for_rules(aws, catalogue, rules)
    findings = _evaluate(catalogue, inventory, rules)
    assert verdicts(findings, "rds-cluster-copy-tags-to-snapshot") == {"orders": "PASS"}
    recovery = _finding(findings, "rds-cluster-recent-recovery-point", "orders")
    assert recovery["status"] == "PASS" and recovery["evidence"]["derived.latest_snapshot_time"]
    # A global database with only its primary is no copy in another Region.
    assert verdicts(findings, "rds-global-cluster-multi-region") == {"orders-global": "FAIL"}
    assert verdicts(findings, "rds-cluster-cross-region") == {"orders": "FAIL"}
    record = next(r for r in inventory["resources"] if r["resource_type"] == "AWS::RDS::GlobalCluster")
    assert record["region"] == "us-east-1"  # listed once per account, reported in its writer's Region


def test_fsx_memorydb_redshift_opensearch_and_dax(aws, catalogue):
    subnet = _subnets_by_zone(aws)["us-east-1a"]["SubnetId"]
    aws.client("fsx").create_file_system(FileSystemType="WINDOWS", StorageCapacity=32, SubnetIds=[subnet],
                                         WindowsConfiguration={"ThroughputCapacity": 8, "DeploymentType": "SINGLE_AZ_2",
                                                               "AutomaticBackupRetentionDays": 30})
    aws.client("memorydb").create_cluster(ClusterName="ledger", NodeType="db.t4g.small", ACLName="open-access",
                                          NumReplicasPerShard=1, SnapshotRetentionLimit=7)
    aws.client("redshift").create_cluster(ClusterIdentifier="dw", NodeType="ra3.xlplus", MasterUsername="admin",
                                          MasterUserPassword="Password123", AutomatedSnapshotRetentionPeriod=7)
    aws.client("opensearch").create_domain(DomainName="logs", ClusterConfig={
        "InstanceCount": 3, "ZoneAwarenessEnabled": True, "DedicatedMasterEnabled": True, "DedicatedMasterCount": 3})
    aws.client("dax").create_cluster(ClusterName="reads", NodeType="dax.t3.small", ReplicationFactor=3,
                                     IamRoleArn="arn:aws:iam::123456789012:role/dax")
    rules = ["fsx-file-system-multi-az", "fsx-file-system-backup-retention", "memorydb-cluster-snapshot-retention",
             "memorydb-cluster-replicas", "redshift-cluster-snapshot-retention", "redshift-cluster-multi-az",
             "opensearch-domain-zone-awareness", "opensearch-domain-data-nodes", "opensearch-domain-dedicated-masters",
             "dax-cluster-node-count"]
    inventory = collect_for_rules(aws, catalogue, rules)
    findings = _evaluate(catalogue, inventory, rules)
    status = {f["rule_id"]: f["status"] for f in findings}
    assert status == {
        "fsx-file-system-multi-az": "FAIL", "fsx-file-system-backup-retention": "PASS",
        "memorydb-cluster-snapshot-retention": "PASS", "memorydb-cluster-replicas": "PASS",
        "redshift-cluster-snapshot-retention": "PASS", "redshift-cluster-multi-az": "FAIL",
        "opensearch-domain-zone-awareness": "PASS", "opensearch-domain-data-nodes": "PASS",
        "opensearch-domain-dedicated-masters": "PASS", "dax-cluster-node-count": "PASS",
    }
    domain = next(r for r in inventory["resources"] if r["resource_type"] == "AWS::OpenSearchService::Domain")
    assert domain["arn"] == "arn:aws:es:us-east-1:123456789012:domain/logs"


def test_opensearch_describe_refused_is_unknown(aws, catalogue):
    aws.client("opensearch").create_domain(DomainName="logs")
    deny(aws, "opensearch", "DescribeDomain")
    rule = "opensearch-domain-zone-awareness"
    finding = _evaluate(catalogue, collect_for_rules(aws, catalogue, [rule]), [rule])[0]
    assert finding["status"] == "UNKNOWN" and finding["missing_permissions"] == ["es:DescribeDomain"]
