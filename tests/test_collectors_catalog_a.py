"""Collectors of the first half of the catalogue against moto (or Stubber where moto lacks the
API): the real request and response shapes, and what a refused call turns into."""

from __future__ import annotations

import pytest
from aws_hooks import answer, deny
from conftest import collect_for_rules, collect_types, verdicts

from drcheck.collectors import all_collectors
from drcheck.evaluate import evaluate

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
    return evaluate([r for r in catalogue.rules if r.id in set(rule_ids)], inventory, linkers=catalogue.linkers)


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
    for group in (spread, bunched):
        elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=8000 + len(group["TargetGroupName"]),
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
