"""Seed the emulated account: Brightpaw, a small online pet-supply shop, across two Regions.

Deliberately mixed DR practice, so the demo report has something to say on every rule:
the storefront is spread over zones and its assets replicate to the DR Region; the orders
database is Single-AZ; one bucket replicates only within its Region; one file system is One Zone;
one backup plan copies to another Region and one does not. Resources carry a `workload` tag.

The loyalty programme is the one workload built to survive losing us-east-1: a DynamoDB global
table, an Aurora global database, a bucket replicated with S3 RTC, and a scaled-down copy of its
web tier running in us-west-2 (warm standby). Everything else stops with us-east-1.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

PRIMARY = "us-east-1"
DR = "us-west-2"
BACKUP_ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"


def _tags(workload: str, name: str | None = None, **extra: str) -> list[dict[str, str]]:
    tags = {"workload": workload, **extra}
    if name:
        tags["Name"] = name
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def seed_company(session: Any, emulator: Any = None) -> dict[str, Any]:
    """Create the demo company's resources; returns a few identifiers the demo prints.

    `emulator` (drcheck.demo.emulator.MissingApiEmulator) learns the global tables moto cannot keep.
    """
    network = _seed_network(session, PRIMARY)
    _seed_compute(session, PRIMARY, network)
    _seed_databases(session, PRIMARY, DR, network)
    _seed_dynamodb(session, PRIMARY)
    _seed_buckets(session, PRIMARY, DR)
    volumes = _seed_volumes(session, PRIMARY)
    _seed_file_systems(session, PRIMARY)
    _seed_caches(session, PRIMARY)
    _seed_backup(session, PRIMARY, DR, volumes, emulator)
    _seed_dlm(session, PRIMARY)
    _seed_loyalty(session, emulator, network, _seed_network(session, DR, cidr="10.30"))
    return {"regions": [PRIMARY, DR]}


def _seed_network(session: Any, region: str, cidr: str = "10.20") -> dict[str, Any]:
    ec2 = session.client("ec2", region_name=region)
    vpc = ec2.create_vpc(CidrBlock=f"{cidr}.0.0/16")["Vpc"]["VpcId"]
    subnets = {}
    for index, zone in enumerate(("a", "b", "c")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr}.{index}.0/24", AvailabilityZone=f"{region}{zone}")
        subnets[zone] = subnet["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    return {"vpc": vpc, "subnets": subnets, "security_group": group}


def _seed_compute(session: Any, region: str, network: dict[str, Any]) -> None:
    ec2 = session.client("ec2", region_name=region)
    elbv2 = session.client("elbv2", region_name=region)
    autoscaling = session.client("autoscaling", region_name=region)
    subnets = network["subnets"]
    elbv2.create_load_balancer(Name="storefront-alb", Subnets=[subnets["a"], subnets["b"]],
                               SecurityGroups=[network["security_group"]], Type="application",
                               Tags=_tags("storefront", "storefront-alb"))
    elbv2.create_load_balancer(Name="legacy-partner-nlb", Subnets=[subnets["a"]], Type="network",
                               Tags=_tags("partner-api", "legacy-partner-nlb"))
    ec2.create_launch_template(LaunchTemplateName="web",
                               LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.small"})
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="storefront-web", MinSize=2, MaxSize=6, DesiredCapacity=2,
        LaunchTemplate={"LaunchTemplateName": "web", "Version": "$Latest"},
        VPCZoneIdentifier=f"{subnets['a']},{subnets['b']}",
        Tags=[{"Key": "workload", "Value": "storefront", "PropagateAtLaunch": True}],
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="partner-api-workers", MinSize=1, MaxSize=2, DesiredCapacity=1,
        LaunchTemplate={"LaunchTemplateName": "web", "Version": "$Latest"},
        VPCZoneIdentifier=subnets["a"],
        Tags=[{"Key": "workload", "Value": "partner-api", "PropagateAtLaunch": True}],
    )


def _seed_databases(session: Any, region: str, dr_region: str, network: dict[str, Any]) -> None:
    rds = session.client("rds", region_name=region)
    common = {"DBInstanceClass": "db.t3.medium", "MasterUsername": "brightpaw",
              "MasterUserPassword": "demo-password-1", "AllocatedStorage": 50}
    rds.create_db_instance(DBInstanceIdentifier="orders-db", Engine="postgres", MultiAZ=False,
                           BackupRetentionPeriod=7, DeletionProtection=True,
                           Tags=_tags("orders", "orders-db"), **common)
    rds.create_db_instance(DBInstanceIdentifier="reporting-db", Engine="postgres", MultiAZ=True,
                           BackupRetentionPeriod=1, DeletionProtection=False,
                           Tags=_tags("analytics", "reporting-db", backup="daily"), **common)
    # The catalog runs on Aurora with a writer and a reader in two zones; the audit cluster has one instance.
    for cluster, zones, workload in (("catalog-aurora", ("a", "b"), "storefront"), ("audit-aurora", ("a",), "orders")):
        rds.create_db_cluster(DBClusterIdentifier=cluster, Engine="aurora-postgresql", MasterUsername="brightpaw",
                              MasterUserPassword="demo-password-1", DeletionProtection=True,
                              BackupRetentionPeriod=7, Tags=_tags(workload, cluster))
        for index, zone in enumerate(zones):
            rds.create_db_instance(DBInstanceIdentifier=f"{cluster}-{index + 1}", DBClusterIdentifier=cluster,
                                   Engine="aurora-postgresql", DBInstanceClass="db.r6g.large",
                                   AvailabilityZone=f"{region}{zone}", Tags=_tags(workload))


def _seed_dynamodb(session: Any, region: str) -> None:
    dynamodb = session.client("dynamodb", region_name=region)
    key = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
           "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
           "BillingMode": "PAY_PER_REQUEST"}
    dynamodb.create_table(TableName="carts", DeletionProtectionEnabled=True,
                          Tags=[{"Key": "workload", "Value": "storefront"}], **key)
    dynamodb.update_continuous_backups(TableName="carts",
                                       PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    dynamodb.create_table(TableName="order-events", Tags=[{"Key": "workload", "Value": "orders"}], **key)


def _bucket(s3: Any, name: str, region: str) -> None:
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})


def _seed_buckets(session: Any, region: str, dr_region: str) -> None:
    s3 = session.client("s3", region_name=region)
    s3_dr = session.client("s3", region_name=dr_region)
    for name, client, where in (
        ("brightpaw-assets", s3, region), ("brightpaw-assets-dr", s3_dr, dr_region),
        ("brightpaw-invoices", s3, region), ("brightpaw-invoices-copy", s3, region),
        ("brightpaw-uploads", s3, region), ("brightpaw-logs", s3, region),
    ):
        _bucket(client, name, where)
    for name, client in (("brightpaw-assets", s3), ("brightpaw-assets-dr", s3_dr), ("brightpaw-invoices", s3),
                         ("brightpaw-invoices-copy", s3), ("brightpaw-uploads", s3)):
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket="brightpaw-uploads", VersioningConfiguration={"Status": "Suspended"})
    role = "arn:aws:iam::123456789012:role/s3-replication"
    for source, destination in (("brightpaw-assets", "brightpaw-assets-dr"),
                                ("brightpaw-invoices", "brightpaw-invoices-copy")):
        s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
            "Role": role,
            "Rules": [{"ID": "dr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                       "DeleteMarkerReplication": {"Status": "Disabled"},
                       "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}],
        })
    workloads = {"brightpaw-assets": "storefront", "brightpaw-assets-dr": "storefront",
                 "brightpaw-invoices": "orders", "brightpaw-invoices-copy": "orders",
                 "brightpaw-uploads": "storefront", "brightpaw-logs": "analytics"}
    for name, workload in workloads.items():
        client = s3_dr if name.endswith("-dr") else s3
        client.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "workload", "Value": workload}]})


def _seed_volumes(session: Any, region: str) -> dict[str, str]:
    ec2 = session.client("ec2", region_name=region)
    volumes = {}
    for name, zone, extra in (("web-data", "a", {"backup": "daily"}), ("scratch", "b", {}),
                              ("build-cache", "a", {}), ("search-index", "b", {"snapshot": "daily"})):
        tags = [{"ResourceType": "volume", "Tags": _tags("storefront" if name != "scratch" else "analytics",
                                                            name, **extra)}]
        volume = ec2.create_volume(AvailabilityZone=f"{region}{zone}", Size=50, VolumeType="gp3",
                                   TagSpecifications=tags)
        volumes[name] = volume["VolumeId"]
    ec2.create_snapshot(VolumeId=volumes["build-cache"], Description="nightly build cache")
    return volumes


def _seed_file_systems(session: Any, region: str) -> None:
    efs = session.client("efs", region_name=region)
    efs.create_file_system(CreationToken="shared-media", Tags=_tags("storefront", "shared-media"))
    efs.create_file_system(CreationToken="tmp-exports", AvailabilityZoneName=f"{region}a",
                           Tags=_tags("analytics", "tmp-exports"))


def _seed_caches(session: Any, region: str) -> None:
    elasticache = session.client("elasticache", region_name=region)
    elasticache.create_replication_group(
        ReplicationGroupId="sessions-redis", ReplicationGroupDescription="storefront sessions", Engine="redis",
        CacheNodeType="cache.t3.small", NumCacheClusters=2, AutomaticFailoverEnabled=True, MultiAZEnabled=True,
        Tags=_tags("storefront"))
    elasticache.create_replication_group(
        ReplicationGroupId="rate-limit-redis", ReplicationGroupDescription="partner API rate limits",
        Engine="redis", CacheNodeType="cache.t3.micro", NumCacheClusters=1, AutomaticFailoverEnabled=False,
        Tags=_tags("partner-api"))


def _seed_backup(session: Any, region: str, dr_region: str, volumes: dict[str, str], emulator: Any = None) -> None:
    backup = session.client("backup", region_name=region)
    backup_dr = session.client("backup", region_name=dr_region)
    backup.create_backup_vault(BackupVaultName="primary-vault")
    backup.create_backup_vault(BackupVaultName="local-archive")
    dr_vault = backup_dr.create_backup_vault(BackupVaultName="dr-vault")["BackupVaultArn"]
    backup_dr.put_backup_vault_lock_configuration(BackupVaultName="dr-vault", MinRetentionDays=7)
    local_archive = f"arn:aws:backup:{region}:123456789012:backup-vault:local-archive"
    daily = backup.create_backup_plan(BackupPlan={"BackupPlanName": "daily-backups", "Rules": [{
        "RuleName": "daily", "TargetBackupVaultName": "primary-vault", "ScheduleExpression": "cron(0 5 ? * * *)",
        "Lifecycle": {"DeleteAfterDays": 35},
        "CopyActions": [{"DestinationBackupVaultArn": dr_vault, "Lifecycle": {"DeleteAfterDays": 35}}],
    }]})
    weekly = backup.create_backup_plan(BackupPlan={"BackupPlanName": "weekly-local", "Rules": [{
        "RuleName": "weekly", "TargetBackupVaultName": "primary-vault", "ScheduleExpression": "cron(0 6 ? * 1 *)",
        "CopyActions": [{"DestinationBackupVaultArn": local_archive}],
    }]})
    backup.create_backup_selection(BackupPlanId=daily["BackupPlanId"], BackupSelection={
        "SelectionName": "tagged-daily", "IamRoleArn": BACKUP_ROLE, "Resources": ["*"],
        "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "daily"}]},
    })
    backup.create_backup_selection(BackupPlanId=weekly["BackupPlanId"], BackupSelection={
        "SelectionName": "efs-all", "IamRoleArn": BACKUP_ROLE,
        "Resources": [f"arn:aws:elasticfilesystem:{region}:123456789012:file-system/*"],
    })
    if emulator is not None:
        # What AWS Backup would report after last night's run, and the DR vault's deny-delete policy.
        last_night = datetime.now(UTC) - timedelta(hours=20)
        emulator.add_recovery_point(region, f"arn:aws:ec2:{region}:123456789012:volume/{volumes['web-data']}", "EBS",
                                    last_night)
        emulator.add_recovery_point(region, f"arn:aws:rds:{region}:123456789012:db:reporting-db", "RDS", last_night)
        emulator.set_vault_policy(dr_region, "dr-vault", json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": {"AWS": "*"}, "Resource": "*",
            "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"]}]}))


def _seed_dlm(session: Any, region: str) -> None:
    dlm = session.client("dlm", region_name=region)
    dlm.create_lifecycle_policy(
        ExecutionRoleArn="arn:aws:iam::123456789012:role/AWSDataLifecycleManagerDefaultRole",
        Description="daily search-index snapshots", State="ENABLED",
        PolicyDetails={
            "PolicyType": "EBS_SNAPSHOT_MANAGEMENT", "ResourceTypes": ["VOLUME"],
            "TargetTags": [{"Key": "snapshot", "Value": "daily"}],
            "Schedules": [{"Name": "daily", "CreateRule": {"Interval": 24, "IntervalUnit": "HOURS"},
                           "RetainRule": {"Count": 7}}],
        },
    )


def _seed_loyalty(session: Any, emulator: Any, network: dict[str, Any], dr_network: dict[str, Any]) -> None:
    """The workload that survives a Region loss: live copies of every store and compute in us-west-2."""
    tags = _tags("loyalty", **{"dr-tier": "critical"})
    key = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
           "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
           "BillingMode": "PAY_PER_REQUEST"}
    for region in (PRIMARY, DR):
        dynamodb = session.client("dynamodb", region_name=region)
        dynamodb.create_table(TableName="loyalty-points", DeletionProtectionEnabled=True, Tags=tags, **key)
        dynamodb.update_continuous_backups(TableName="loyalty-points",
                                           PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    if emulator is not None:
        emulator.add_global_table("loyalty-points", [PRIMARY, DR])
    rds = session.client("rds", region_name=PRIMARY)
    rds_dr = session.client("rds", region_name=DR)
    rds.create_global_cluster(GlobalClusterIdentifier="loyalty-global", Engine="aurora-postgresql")
    for client, region, cluster, zones in ((rds, PRIMARY, "loyalty-db", ("a", "b")), (rds_dr, DR, "loyalty-db-dr", ("a",))):
        extra = {"MasterUsername": "brightpaw", "MasterUserPassword": "demo-password-1"} if region == PRIMARY else {}
        client.create_db_cluster(DBClusterIdentifier=cluster, Engine="aurora-postgresql", DeletionProtection=True,
                                 BackupRetentionPeriod=7, GlobalClusterIdentifier="loyalty-global", Tags=tags, **extra)
        for index, zone in enumerate(zones):
            client.create_db_instance(DBInstanceIdentifier=f"{cluster}-{index + 1}", DBClusterIdentifier=cluster,
                                      Engine="aurora-postgresql", DBInstanceClass="db.r6g.large",
                                      AvailabilityZone=f"{region}{zone}", Tags=tags)
    s3 = session.client("s3", region_name=PRIMARY)
    s3_dr = session.client("s3", region_name=DR)
    _bucket(s3, "brightpaw-loyalty-media", PRIMARY)
    _bucket(s3_dr, "brightpaw-loyalty-media-dr", DR)
    for client, name in ((s3, "brightpaw-loyalty-media"), (s3_dr, "brightpaw-loyalty-media-dr")):
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        client.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})
    s3.put_bucket_replication(Bucket="brightpaw-loyalty-media", ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/s3-replication",
        "Rules": [{"ID": "dr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": "arn:aws:s3:::brightpaw-loyalty-media-dr",
                                   "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
                                   "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}}}],
    })
    for region, net, desired in ((PRIMARY, network, 2), (DR, dr_network, 1)):
        ec2 = session.client("ec2", region_name=region)
        elbv2 = session.client("elbv2", region_name=region)
        autoscaling = session.client("autoscaling", region_name=region)
        subnets = net["subnets"]
        elbv2.create_load_balancer(Name="loyalty-alb", Subnets=[subnets["a"], subnets["b"]],
                                   SecurityGroups=[net["security_group"]], Type="application", Tags=tags)
        ec2.create_launch_template(LaunchTemplateName="loyalty",
                                   LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.small"})
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName="loyalty-web", MinSize=desired, MaxSize=6, DesiredCapacity=desired,
            LaunchTemplate={"LaunchTemplateName": "loyalty", "Version": "$Latest"},
            VPCZoneIdentifier=f"{subnets['a']},{subnets['b']}",
            Tags=[{"Key": "workload", "Value": "loyalty", "PropagateAtLaunch": True}],
        )
