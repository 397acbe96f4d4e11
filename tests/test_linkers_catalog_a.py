"""Linkers of the first half of the catalogue on hand-built inventories: the cross-resource
facts, and when they must be unknown rather than guessed."""

from __future__ import annotations

from drcheck.link import link as link_stage
from drcheck.linkers import load_linkers

ACCOUNT = "111122223333"


def resource(resource_type, rid, region="us-east-1", arn=None, tags=None, unavailable=None, **properties):
    return {"resource_type": resource_type, "service": "x", "account_id": ACCOUNT, "region": region, "id": rid,
            "arn": arn, "name": rid, "tags": tags or {}, "properties": properties, "unavailable": unavailable or {}}


def link(resources, listed, failed=()):
    """Linked copies of `resources`; `listed` are (Region, type) collected fine, `failed` not."""
    collections = [{"account_id": ACCOUNT, "region": r, "resource_type": t, "status": "ok"} for r, t in listed]
    collections += [{"account_id": ACCOUNT, "region": r, "resource_type": t, "status": "error",
                     "errors": [{"reason": f"List failed: AccessDenied; needs {t}"}]} for r, t in failed]
    linked = link_stage({"resources": resources, "collections": collections}, load_linkers()).resources
    return {(r["resource_type"], r["id"]): r for r in linked}


def derived(linked, resource_type, rid, name):
    record = linked[(resource_type, rid)]
    if f"derived.{name}" in record["unavailable"]:
        return ("UNKNOWN", record["unavailable"][f"derived.{name}"]["reason"])
    return record["derived"][name]


def test_backup_copies_follow_the_plans_copy_actions():
    plan = resource("AWS::Backup::BackupPlan", "plan-1", BackupPlanId="plan-1", BackupPlan={"Rules": [
        {"RuleName": "daily", "CopyActions": [
            {"DestinationBackupVaultArn": f"arn:aws:backup:us-west-2:{ACCOUNT}:backup-vault:dr"},
            {"DestinationBackupVaultArn": f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:local"}]}]})
    selection = resource("AWS::Backup::BackupSelection", "sel-1", BackupPlanId="plan-1", BackupSelection={
        "SelectionName": "tagged", "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                                                   "ConditionValue": "dr"}]})
    tagged = resource("AWS::DynamoDB::Table", "orders", arn="arn:table/orders", tags={"backup": "dr"})
    other = resource("AWS::DynamoDB::Table", "logs", arn="arn:table/logs")
    settings = region_settings(DynamoDB=True)
    listed = [("us-east-1", "AWS::Backup::BackupPlan"), ("us-east-1", "AWS::Backup::BackupSelection"),
              ("us-east-1", "AWS::DynamoDB::Table"), ("us-east-1", "AWS::Backup::RegionSettings")]
    linked = link([plan, selection, tagged, other, settings], listed)
    # The same-Region copy is no protection against losing the Region.
    assert derived(linked, "AWS::DynamoDB::Table", "orders", "backup_copies") == [
        {"Region": "us-west-2", "BackupPlanName": "plan-1", "Rules": ["daily"]}]
    assert derived(linked, "AWS::DynamoDB::Table", "logs", "backup_copies") == []

    selection["unavailable"] = {"BackupSelection": {"reason": "GetBackupSelection failed: AccessDenied"}}
    del selection["properties"]["BackupSelection"]
    linked = link([plan, selection, tagged, settings], listed)
    status, reason = derived(linked, "AWS::DynamoDB::Table", "orders", "backup_copies")
    assert status == "UNKNOWN" and "GetBackupSelection failed" in reason


def region_settings(**opt_in):
    return resource("AWS::Backup::RegionSettings", "us-east-1", ResourceTypeOptInPreference=opt_in)


def _copying_plan_selecting(selection_body):
    plan = resource("AWS::Backup::BackupPlan", "plan-1", BackupPlanId="plan-1", BackupPlan={"Rules": [
        {"RuleName": "daily", "CopyActions": [
            {"DestinationBackupVaultArn": f"arn:aws:backup:us-west-2:{ACCOUNT}:backup-vault:dr"}]}]})
    selection = resource("AWS::Backup::BackupSelection", "sel-1", BackupPlanId="plan-1",
                         BackupSelection={"SelectionName": "s", **selection_body})
    return plan, selection


BACKUP_LISTED = [("us-east-1", t) for t in ("AWS::Backup::BackupPlan", "AWS::Backup::BackupSelection",
                                            "AWS::Backup::RegionSettings", "AWS::DynamoDB::Table",
                                            "AWS::EC2::Instance", "AWS::EC2::Volume")]


def test_no_copy_is_credited_to_a_type_the_region_opted_out_of():
    """Issue 9 §2: coverage said "not backed up" (DynamoDB opted out) while the copy rule said
    "copied": copies now read the coverage linker's answer, so the two cannot disagree."""
    plan, selection = _copying_plan_selecting({"Resources": ["*"]})
    table = resource("AWS::DynamoDB::Table", "orders", arn=f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders")
    linked = link([plan, selection, table, region_settings(DynamoDB=False)], BACKUP_LISTED)
    assert derived(linked, "AWS::DynamoDB::Table", "orders", "backup_plans") == []
    assert derived(linked, "AWS::DynamoDB::Table", "orders", "backup_copies") == []
    linked = link([plan, selection, table, region_settings(DynamoDB=True)], BACKUP_LISTED)
    assert derived(linked, "AWS::DynamoDB::Table", "orders", "backup_copies") == [
        {"Region": "us-west-2", "BackupPlanName": "plan-1", "Rules": ["daily"]}]


def test_a_volume_is_copied_with_the_instance_whose_backup_copies():
    """An EC2 backup is an AMI with a snapshot of every attached volume, and a copy action copies it
    whole: the volume is covered (and copied) through its instance."""
    plan, selection = _copying_plan_selecting({"Resources": [f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1"]})
    instance = resource("AWS::EC2::Instance", "i-1", arn=f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1")
    volume = resource("AWS::EC2::Volume", "vol-1", arn=f"arn:aws:ec2:us-east-1:{ACCOUNT}:volume/vol-1",
                      Attachments=[{"InstanceId": "i-1", "Device": "/dev/xvda"}])
    linked = link([plan, selection, instance, volume, region_settings(EC2=True, EBS=False)], BACKUP_LISTED)
    assert derived(linked, "AWS::EC2::Volume", "vol-1", "backup_copies") == [
        {"Region": "us-west-2", "BackupPlanName": "plan-1", "Rules": ["daily"]}]


def _subnet(sid, zone, free, vpc="vpc-1", cidr="10.0.0.0/24"):
    return resource("AWS::EC2::Subnet", sid, SubnetId=sid, AvailabilityZone=zone, AvailableIpAddressCount=free,
                    VpcId=vpc, CidrBlock=cidr)


def test_subnet_headroom_takes_the_worst_zone_loss():
    group = resource("AWS::AutoScaling::AutoScalingGroup", "web", MaxSize=10, VPCZoneIdentifier="subnet-a,subnet-b",
                     Instances=[{"AvailabilityZone": "us-east-1a", "LifecycleState": "InService"}] * 3
                     + [{"AvailabilityZone": "us-east-1b", "LifecycleState": "InService"}] * 3
                     + [{"AvailabilityZone": "us-east-1b", "LifecycleState": "Terminating"}])
    listed = [("us-east-1", "AWS::EC2::Subnet"), ("us-east-1", "AWS::AutoScaling::AutoScalingGroup")]
    linked = link([group, _subnet("subnet-a", "us-east-1a", 100), _subnet("subnet-b", "us-east-1b", 5)], listed)
    headroom = derived(linked, "AWS::AutoScaling::AutoScalingGroup", "web", "subnet_ip_headroom")
    # Losing us-east-1a: us-east-1b must grow from 3 to 10 instances with only 5 free addresses.
    assert headroom["Headroom"] == 5 - 7 and headroom["ZoneLost"] == "us-east-1a"

    group["properties"]["VPCZoneIdentifier"] = "subnet-a,subnet-gone"
    linked = link([group, _subnet("subnet-a", "us-east-1a", 100)], listed)
    status, reason = derived(linked, "AWS::AutoScaling::AutoScalingGroup", "web", "subnet_ip_headroom")
    assert status == "UNKNOWN" and "subnet-gone" in reason


def test_ip_targets_are_placed_by_their_subnet():
    lb = resource("AWS::ElasticLoadBalancingV2::LoadBalancer", "nlb", arn="arn:lb/nlb", AvailabilityZones=[
        {"ZoneName": "us-east-1a"}, {"ZoneName": "us-east-1b"}, {"ZoneName": "us-east-1c"}])
    group = resource("AWS::ElasticLoadBalancingV2::TargetGroup", "ips", TargetType="ip", VpcId="vpc-1",
                     LoadBalancerArns=["arn:lb/nlb"], TargetHealthDescriptions=[
                         {"Target": {"Id": "10.0.1.10"}, "TargetHealth": {"State": "healthy"}},
                         {"Target": {"Id": "10.0.2.10"}, "TargetHealth": {"State": "healthy"}},
                         {"Target": {"Id": "10.0.3.10"}, "TargetHealth": {"State": "unhealthy"}},
                         {"Target": {"Id": "192.168.0.5", "AvailabilityZone": "all"}, "TargetHealth": {"State": "unused"}}])
    subnets = [_subnet("s-a", "us-east-1a", 1, cidr="10.0.1.0/24"), _subnet("s-b", "us-east-1b", 1, cidr="10.0.2.0/24"),
               _subnet("s-c", "us-east-1c", 1, cidr="10.0.3.0/24")]
    listed = [("us-east-1", t) for t in ("AWS::EC2::Subnet", "AWS::EC2::Instance",
                                         "AWS::ElasticLoadBalancingV2::LoadBalancer",
                                         "AWS::ElasticLoadBalancingV2::TargetGroup")]
    linked = link([lb, group, *subnets], listed)
    key = ("AWS::ElasticLoadBalancingV2::TargetGroup", "ips")
    assert derived(linked, *key, "healthy_targets_by_zone") == {"us-east-1a": 1, "us-east-1b": 1}
    assert derived(linked, *key, "zones_without_healthy_targets") == ["us-east-1c"]


def test_ebs_copies_are_unknown_when_a_region_could_not_be_listed():
    volume = resource("AWS::EC2::Volume", "vol-1")
    source = resource("AWS::EC2::Snapshot", "snap-0a", VolumeId="vol-1", State="completed",
                      StartTime="2026-01-14T00:00:00+00:00", Description="nightly")
    copy = resource("AWS::EC2::Snapshot", "snap-0b", region="us-west-2", VolumeId="vol-ffffffff", State="completed",
                    StartTime="2026-01-14T05:00:00+00:00", Description="[Copied snap-0a from us-east-1] nightly")
    listed = [("us-east-1", "AWS::EC2::Snapshot"), ("us-west-2", "AWS::EC2::Snapshot"), ("us-east-1", "AWS::EC2::Volume")]
    copies = derived(link([volume, source, copy], listed), "AWS::EC2::Volume", "vol-1", "snapshot_copies")
    assert copies == [{"Region": "us-west-2", "SnapshotId": "snap-0b", "StartTime": "2026-01-14T05:00:00+00:00",
                       "DataTime": "2026-01-14T00:00:00+00:00"}]
    status, reason = derived(link([volume, source, copy], listed, failed=[("eu-west-1", "AWS::EC2::Snapshot")]),
                             "AWS::EC2::Volume", "vol-1", "snapshot_copies")
    assert status == "UNKNOWN" and "eu-west-1" in reason


def test_s3_replicated_from_is_unknown_while_another_config_is_unreadable():
    source = resource("AWS::S3::Bucket", "assets", ReplicationConfiguration={"Rules": [
        {"ID": "dr", "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::assets-dr"}}]})
    replica = resource("AWS::S3::Bucket", "assets-dr", region="us-west-2", ReplicationConfiguration=None)
    plain = resource("AWS::S3::Bucket", "plain", ReplicationConfiguration=None)
    locked = resource("AWS::S3::Bucket", "locked", unavailable={
        "ReplicationConfiguration": {"reason": "GetBucketReplication failed: AccessDenied"}})
    listed = [("global", "AWS::S3::Bucket")]
    linked = link([source, replica, plain], listed)
    assert derived(linked, "AWS::S3::Bucket", "assets-dr", "replicated_from") == [
        {"SourceBucket": "assets", "SourceRegion": "us-east-1", "RuleId": "dr", "CrossRegion": True}]
    assert derived(linked, "AWS::S3::Bucket", "plain", "replicated_from") == []
    linked = link([source, replica, plain, locked], listed)
    # A known cross-Region source still answers; otherwise "locked" might be a source.
    assert derived(linked, "AWS::S3::Bucket", "assets-dr", "replicated_from")[0]["SourceBucket"] == "assets"
    status, reason = derived(linked, "AWS::S3::Bucket", "plain", "replicated_from")
    assert status == "UNKNOWN" and "locked" in reason


def test_rds_cluster_copies_from_global_membership_and_snapshot_copies():
    arn = f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:orders"
    cluster = resource("AWS::RDS::DBCluster", "orders", arn=arn, DBClusterIdentifier="orders",
                       DbClusterResourceId="cluster-ABC")
    lonely = resource("AWS::RDS::DBCluster", "lonely", arn=arn.replace("orders", "lonely"),
                      DBClusterIdentifier="lonely", DbClusterResourceId="cluster-DEF")
    global_ = resource("AWS::RDS::GlobalCluster", "orders-global", GlobalClusterMembers=[
        {"DBClusterArn": arn, "IsWriter": True},
        {"DBClusterArn": f"arn:aws:rds:eu-west-1:{ACCOUNT}:cluster:orders-eu", "IsWriter": False}])
    copy = resource("AWS::RDS::DBClusterSnapshot", "lonely-copy", region="us-west-2", Status="available",
                    DBClusterIdentifier="lonely", DbClusterResourceId="cluster-DEF",
                    SnapshotCreateTime="2026-01-14T00:00:00+00:00",
                    SourceDBClusterSnapshotArn=f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster-snapshot:rds:lonely-1")
    listed = [("global", "AWS::RDS::GlobalCluster"), ("us-east-1", "AWS::RDS::DBCluster"),
              ("us-east-1", "AWS::RDS::DBClusterSnapshot"), ("us-west-2", "AWS::RDS::DBClusterSnapshot")]
    linked = link([cluster, lonely, global_, copy], listed)
    assert derived(linked, "AWS::RDS::DBCluster", "orders", "cross_region_copies") == [
        {"Kind": "global-database", "Region": "eu-west-1", "Identifier": "orders-global",
         "Member": f"arn:aws:rds:eu-west-1:{ACCOUNT}:cluster:orders-eu"}]
    assert derived(linked, "AWS::RDS::DBCluster", "lonely", "cross_region_copies") == [
        {"Kind": "snapshot-copy", "Region": "us-west-2", "Identifier": "lonely-copy",
         "Time": "2026-01-14T00:00:00+00:00"}]
