"""Issue 9, section 2: each defect class that let a verdict read PASS where the truth was FAIL or
"could not tell", pinned by a test that fails if it comes back.

The tests go through the public entry points (catalogue + assess) with small hand-built
inventories, so they hold whatever the link stage looks like inside.
"""

from __future__ import annotations

import pytest

from tests.inventories import ACCOUNT, inventory, judged, resource

# -- RDS: only manual or AWS Backup snapshots stand for a snapshot regime; one is not a regime ---------------

def _db(rid: str, retention: int, **extra) -> dict:
    return resource("AWS::RDS::DBInstance", rid, arn=f"arn:aws:rds:us-east-1:{ACCOUNT}:db:{rid}",
                    DBInstanceIdentifier=rid, DbiResourceId=f"db-{rid.upper()}", BackupRetentionPeriod=retention,
                    DBInstanceStatus="available", **extra)


def _snapshot(db: str, name: str, created: str, kind: str) -> dict:
    return resource("AWS::RDS::DBSnapshot", name, DBSnapshotIdentifier=name, DBInstanceIdentifier=db,
                    DbiResourceId=f"db-{db.upper()}", SnapshotType=kind, Status="available",
                    SnapshotCreateTime=created)


BACKUP_LISTS = {"AWS::Backup::BackupPlan": ("us-east-1",), "AWS::Backup::BackupSelection": ("us-east-1",),
                "AWS::Backup::RegionSettings": ("us-east-1",), "AWS::EC2::Instance": ("us-east-1",),
                "AWS::RDS::DBSnapshot": ("us-east-1",)}


def test_short_retention_does_not_pass_on_its_own_automated_snapshot(catalogue):
    inv = inventory([_db("orders", 1), _snapshot("orders", "rds:orders-2026-01-15", "2026-01-15T03:00:00+00:00",
                                                 "automated")], listed=BACKUP_LISTS)
    finding = judged(catalogue, inv, "rds-instance-backup-enabled")["orders"]
    assert finding["status"] == "FAIL"
    assert finding["evidence"]["derived.manual_snapshots"] == []


def test_one_fresh_manual_snapshot_is_not_a_regime(catalogue):
    inv = inventory([_db("orders", 0), _snapshot("orders", "before-migration", "2026-01-15T03:00:00+00:00",
                                                 "manual")], listed=BACKUP_LISTS)
    assert judged(catalogue, inv, "rds-instance-backup-enabled")["orders"]["status"] == "FAIL"


@pytest.mark.parametrize("kind", ["manual", "awsbackup"])
def test_nightly_manual_or_backup_snapshots_through_the_window_are_a_regime(catalogue, kind):
    nights = [_snapshot("orders", f"orders-{day:02d}", f"2026-01-{day:02d}T03:00:00+00:00", kind)
              for day in range(5, 16)]
    inv = inventory([_db("orders", 0), *nights], listed=BACKUP_LISTS)
    finding = judged(catalogue, inv, "rds-instance-backup-enabled")["orders"]
    assert finding["status"] == "PASS"
    assert finding["evidence"]["derived.manual_snapshots"][0]["Identifier"] == "orders-15"


def test_regime_that_started_inside_the_window_is_not_enough_yet(catalogue):
    nights = [_snapshot("orders", f"orders-{day:02d}", f"2026-01-{day:02d}T03:00:00+00:00", "manual")
              for day in range(12, 16)]
    inv = inventory([_db("orders", 0), *nights], listed=BACKUP_LISTS)
    assert judged(catalogue, inv, "rds-instance-backup-enabled")["orders"]["status"] == "FAIL"


def test_snapshot_regime_unreadable_is_unknown(catalogue):
    lists = {k: v for k, v in BACKUP_LISTS.items() if k != "AWS::RDS::DBSnapshot"}
    inv = inventory([_db("orders", 1)], listed=lists, failed={"AWS::RDS::DBSnapshot": ("us-east-1",)})
    assert judged(catalogue, inv, "rds-instance-backup-enabled")["orders"]["status"] == "UNKNOWN"


def test_shared_resource_ids_do_not_lend_one_database_another_ones_snapshots(catalogue):
    """An emulator gives every instance the same DbiResourceId; matching falls back to identifiers."""
    orders, reporting = _db("orders", 0), _db("reporting", 0)
    orders["properties"]["DbiResourceId"] = reporting["properties"]["DbiResourceId"] = "db-SAME"
    nights = [_snapshot("reporting", f"reporting-{day:02d}", f"2026-01-{day:02d}T03:00:00+00:00", "manual")
              for day in range(5, 16)]
    for night in nights:
        night["properties"]["DbiResourceId"] = "db-SAME"
    found = judged(catalogue, inventory([orders, reporting, *nights], listed=BACKUP_LISTS),
                   "rds-instance-backup-enabled")
    assert found["reporting"]["status"] == "PASS" and found["orders"]["status"] == "FAIL"


# -- Route 53: a disabled or deleted health check is no health check ---------------------------------------

def _record(set_id: str, check_id: str | None = None, **extra) -> dict:
    props = {"HostedZoneId": "/hostedzone/Z1", "Name": "app.example.com.", "Type": "A", "SetIdentifier": set_id,
             "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}], **extra}
    if check_id:
        props["HealthCheckId"] = check_id
    return resource("AWS::Route53::RecordSet", f"Z1 app.example.com. A {set_id}", region="global", **props)


def _health_check(check_id: str, **config) -> dict:
    return resource("AWS::Route53::HealthCheck", check_id, region="global", Id=check_id, CallerReference=check_id,
                    HealthCheckVersion=1, HealthCheckConfig={"Type": "HTTPS", "FullyQualifiedDomainName":
                                                             "app.example.com", **config})


@pytest.mark.parametrize("rule_id,record_extra", [
    ("route53-record-failover-primary-health-check", {"Failover": "PRIMARY"}),
    ("route53-record-routing-health-check", {"Weight": 50}),
    ("route53-record-routing-health-check", {"Region": "us-east-1"}),
])
def test_routing_records_need_an_existing_enabled_health_check(catalogue, rule_id, record_extra):
    records = [_record("enabled", "hc-on", **record_extra), _record("disabled", "hc-off", **record_extra),
               _record("deleted", "hc-gone", **record_extra), _record("none", **record_extra)]
    checks = [_health_check("hc-on"), _health_check("hc-off", Disabled=True)]
    found = {f["resource_id"].split()[-1]: f for f in judged(catalogue, inventory(records + checks), rule_id).values()}
    assert {k: f["status"] for k, f in found.items()} == {
        "enabled": "PASS", "disabled": "FAIL", "deleted": "FAIL", "none": "FAIL"}
    assert found["disabled"]["evidence"]["derived.health_check.Usable"] is False


def test_health_check_of_a_routing_record_unreadable_is_unknown(catalogue):
    inv = inventory([_record("primary", "hc-on", Failover="PRIMARY")],
                    failed={"AWS::Route53::HealthCheck": ("global",)})
    (finding,) = judged(catalogue, inv, "route53-record-failover-primary-health-check").values()
    assert finding["status"] == "UNKNOWN"


def test_health_check_with_disabled_omitted_is_enabled(catalogue):
    """HealthCheckConfig.Disabled is optional: an older answer without it is an enabled check."""
    inv = inventory([_record("primary", "hc-on", Failover="PRIMARY"), _health_check("hc-on")])
    (finding,) = judged(catalogue, inv, "route53-record-failover-primary-health-check").values()
    assert finding["status"] == "PASS"


# -- CloudFormation: every StackStatus value classified; dead ends never pass as stable ---------------------

SETTLED = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"}
# Only delete (ROLLBACK_COMPLETE after a failed creation) or a repair gets the stack updatable again.
STUCK = {"CREATE_FAILED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED", "ROLLBACK_COMPLETE", "DELETE_FAILED",
         "UPDATE_FAILED", "UPDATE_ROLLBACK_FAILED", "IMPORT_ROLLBACK_FAILED"}
CHANGING_OR_GONE = {"CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
                    "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
                    "IMPORT_IN_PROGRESS", "IMPORT_ROLLBACK_IN_PROGRESS", "DELETE_IN_PROGRESS", "DELETE_COMPLETE",
                    "REVIEW_IN_PROGRESS"}


def test_every_stack_status_of_the_api_is_classified(catalogue):
    import botocore.session

    statuses = botocore.session.get_session().get_service_model("cloudformation").shape_for("StackStatus").enum
    assert set(statuses) == SETTLED | STUCK | CHANGING_OR_GONE, "classify the new StackStatus values"
    stacks = [resource("AWS::CloudFormation::Stack", status, StackName=status, StackStatus=status,
                       StackId=f"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/{status}/1")
              for status in statuses]
    found = {rid: f["status"] for rid, f in judged(catalogue, inventory(stacks),
                                                   "cloudformation-stack-stable-status").items()}
    expected = {s: "PASS" if s in SETTLED else "FAIL" if s in STUCK else "NOT_APPLICABLE" for s in statuses}
    assert found == expected


# -- Lambda: Principal "*" lets anyone invoke asynchronously ------------------------------------------------

@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": ["*"]}])
def test_public_function_policy_counts_as_asynchronous_invokers(catalogue, principal):
    import json

    policy = {"Version": "2012-10-17", "Statement": [{"Sid": "anyone", "Effect": "Allow", "Principal": principal,
                                                      "Action": "lambda:InvokeFunction",
                                                      "Resource": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f"}]}
    function = resource("AWS::Lambda::Function", "f", arn=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f",
                        FunctionName="f", Policy=json.dumps(policy), EventInvokeConfig=None)
    finding = judged(catalogue, inventory([function]), "lambda-function-async-failure-destination")["f"]
    assert finding["status"] == "FAIL"
    assert finding["evidence"]["derived.async_invokers"] == ["*"]


# -- Regions: unknown on either side is UNKNOWN, never "the same" nor "another" Region ------------------------

def _bucket(name: str, region: str, replicate_to: str | None = None) -> dict:
    config = None
    if replicate_to:
        config = {"Role": f"arn:aws:iam::{ACCOUNT}:role/replication", "Rules": [{
            "ID": "dr", "Status": "Enabled", "Priority": 1, "Filter": {}, "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {"Bucket": f"arn:aws:s3:::{replicate_to}"}}]}
    return resource("AWS::S3::Bucket", name, region=region, arn=f"arn:aws:s3:::{name}", Name=name,
                    ReplicationConfiguration=config, DestinationBucketRegions={})


@pytest.mark.parametrize("source_region,destination_region", [
    ("unknown", "unknown"),     # was "the same Region": FAIL
    ("unknown", "us-west-2"),   # was "another Region": PASS
    ("us-east-1", "unknown"),
])
def test_s3_replication_between_regions_not_known_is_unknown(catalogue, source_region, destination_region):
    buckets = [_bucket("source", source_region, replicate_to="destination"), _bucket("destination", destination_region)]
    found = judged(catalogue, inventory(buckets), "s3-bucket-cross-region-replication")
    assert found["source"]["status"] == "UNKNOWN"
    assert found["destination"]["status"] == "UNKNOWN"  # is it itself the DR copy of another Region's bucket?


def test_s3_replication_between_known_regions_still_decides(catalogue):
    buckets = [_bucket("source", "us-east-1", replicate_to="destination"), _bucket("destination", "us-west-2"),
               _bucket("same", "us-east-1", replicate_to="next-door"), _bucket("next-door", "us-east-1")]
    found = judged(catalogue, inventory(buckets), "s3-bucket-cross-region-replication")
    assert {k: f["status"] for k, f in found.items()} == {
        "source": "PASS", "destination": "NOT_APPLICABLE", "same": "FAIL", "next-door": "FAIL"}


def test_other_region_is_unknown_when_either_side_is():
    from drcheck.linkers.regions import other_region

    assert other_region("us-east-1", "us-west-2") is True
    assert other_region("us-east-1", "us-east-1") is False
    for one, other in [("unknown", "unknown"), ("unknown", "us-east-1"), ("us-east-1", None), (None, None), ("", "x")]:
        assert other_region(one, other) is None


def test_backup_copy_to_a_vault_arn_without_region_is_unknown(catalogue):
    plan = resource("AWS::Backup::BackupPlan", "p1", arn=f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-plan:p1",
                    BackupPlanId="p1", BackupPlanName="daily", BackupPlan={"BackupPlanName": "daily", "Rules": [{
                        "RuleName": "daily", "TargetBackupVaultName": "Default",
                        "CopyActions": [{"DestinationBackupVaultArn": "not-an-arn"}]}]})
    assert judged(catalogue, inventory([plan]), "backup-plan-cross-region-copy")["p1"]["status"] == "UNKNOWN"


def test_replicas_naming_no_region_are_not_copies_elsewhere(catalogue):
    table = resource("AWS::DynamoDB::Table", "orders", arn=f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders",
                     TableName="orders", Table={"TableName": "orders", "Replicas": [{"ReplicaStatus": "ACTIVE"}]})
    secret = resource("AWS::SecretsManager::Secret", "db", arn=f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db",
                      Name="db", ReplicationStatus=[{"Status": "InSync"}])
    inv = inventory([table, secret], listed={"AWS::Backup::BackupPlan": ("us-east-1",),
                                              "AWS::Backup::BackupSelection": ("us-east-1",)})
    assert judged(catalogue, inv, "dynamodb-table-cross-region-copy")["orders"]["status"] == "UNKNOWN"
    assert judged(catalogue, inv, "secretsmanager-secret-replicated")["db"]["status"] == "UNKNOWN"


# -- Linkers that read a missing input as "none" (found by tests/test_metamorphic.py) --------------------------

def _region_settings(**answer) -> dict:
    return resource("AWS::Backup::RegionSettings", "us-east-1", **answer)


def _volume() -> dict:
    return resource("AWS::EC2::Volume", "vol-1", arn=f"arn:aws:ec2:us-east-1:{ACCOUNT}:volume/vol-1", VolumeId="vol-1",
                    AvailabilityZone="us-east-1a", State="in-use", VolumeType="gp3")


@pytest.mark.parametrize("answer", [{}, {"ResourceTypeOptInPreference": {"EC2": True}}])
def test_region_opt_ins_not_in_the_answer_are_not_opted_in(catalogue, answer):
    """No preference map, or none for a type in use: the opt-in rule cannot pass."""
    inv = inventory([_region_settings(**answer), _volume()])
    assert judged(catalogue, inv, "backup-region-resource-types-opted-in")["us-east-1"]["status"] == "UNKNOWN"


def test_region_opt_ins_listed_decide(catalogue):
    opted = inventory([_region_settings(ResourceTypeOptInPreference={"EBS": True}), _volume()])
    opted_out = inventory([_region_settings(ResourceTypeOptInPreference={"EBS": False}), _volume()])
    assert judged(catalogue, opted, "backup-region-resource-types-opted-in")["us-east-1"]["status"] == "PASS"
    assert judged(catalogue, opted_out, "backup-region-resource-types-opted-in")["us-east-1"]["status"] == "FAIL"


def test_load_balancer_answer_without_zones_is_not_every_zone_covered(catalogue):
    lb_arn = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/web/1"
    lb = resource("AWS::ElasticLoadBalancingV2::LoadBalancer", "web", arn=lb_arn, LoadBalancerArn=lb_arn,
                  LoadBalancerName="web", Type="application")
    group = resource("AWS::ElasticLoadBalancingV2::TargetGroup", "tg", arn=f"{lb_arn}-tg", TargetGroupName="tg",
                     TargetType="instance", LoadBalancerArns=[lb_arn], VpcId="vpc-1", TargetHealthDescriptions=[
                         {"Target": {"Id": "i-1"}, "TargetHealth": {"State": "healthy"}}])
    instance = resource("AWS::EC2::Instance", "i-1", InstanceId="i-1", Placement={"AvailabilityZone": "us-east-1a"},
                        State={"Name": "running"})
    found = judged(catalogue, inventory([lb, group, instance], listed={"AWS::EC2::Subnet": ("us-east-1",)}),
                   "elbv2-target-group-targets-in-every-zone")
    assert found["tg"]["status"] == "UNKNOWN"
