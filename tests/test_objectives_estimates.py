"""Each estimate comes from the assumption table: the case that applies, and its figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from drcheck.objectives.durations import Span
from drcheck.objectives.estimate import estimate, zones_of
from drcheck.objectives.model import Figure, load_model

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def model(catalogue):
    return load_model(catalogue.collectors, catalogue.linkers)


def resource(resource_type, properties=None, derived=None, region="us-east-1", tags=None, unavailable=None):
    return {"resource_type": resource_type, "service": "x", "account_id": "123456789012", "region": region,
            "id": "r1", "arn": None, "name": "r1", "tags": tags or {}, "properties": properties or {},
            "derived": derived or {}, "unavailable": unavailable or {}}


def case(model, resource_type, disruption, case_id):
    return next(c for c in model.types[resource_type].cases[disruption] if c.id == case_id)


RDS = "AWS::RDS::DBInstance"
RDS_BASE = {"MultiAZ": False, "BackupRetentionPeriod": 0, "AvailabilityZone": "us-east-1a"}
RDS_DERIVED = {"read_replicas": [], "replica_source": None, "backup_interval": None, "backup_copy_interval": None}
DDB = "AWS::DynamoDB::Table"
S3 = "AWS::S3::Bucket"
S3_DERIVED = {"replication_destinations": [], "replication_sources": [], "backup_interval": None,
              "backup_copy_interval": None, "backup_continuous": False}
VOL = "AWS::EC2::Volume"
VOL_DERIVED = {"snapshot_interval": None, "snapshot_copy_interval": None, "backup_interval": None,
               "backup_copy_interval": None, "latest_snapshot_time": None, "attached_instances": []}

EFS = "AWS::EFS::FileSystem"
EFS_DERIVED = {"backup_interval": None, "backup_copy_interval": None, "replication_destinations": []}

CASES = [
    # (resource type, properties, derived, disruption, expected case id)
    (RDS, {**RDS_BASE, "MultiAZ": True}, RDS_DERIVED, "az", "rds-multi-az"),
    (RDS, {**RDS_BASE, "BackupRetentionPeriod": 7}, RDS_DERIVED, "az", "rds-pitr-restore"),
    (RDS, RDS_BASE, RDS_DERIVED, "az", "rds-no-copy"),
    (RDS, {**RDS_BASE, "MultiAZ": True}, RDS_DERIVED, "region", "rds-single-region"),
    (RDS, RDS_BASE, {**RDS_DERIVED, "read_replicas": [{"Identifier": "arn:aws:rds:us-west-2:1:db:x",
                                                         "Region": "us-west-2", "CrossRegion": True}]},
     "region", "rds-cross-region-replica"),
    (RDS, RDS_BASE, {**RDS_DERIVED, "backup_copy_interval": 86400.0}, "region", "rds-backup-copy-restore"),
    (RDS, {**RDS_BASE, "MultiAZ": True}, RDS_DERIVED, "data", "rds-no-backup"),
    (RDS, {**RDS_BASE, "BackupRetentionPeriod": 1}, RDS_DERIVED, "data", "rds-pitr"),
    (DDB, {"Table": {}}, {"replica_regions": [], "backup_copy_interval": None}, "region", "dynamodb-single-region"),
    (DDB, {"Table": {}}, {"replica_regions": ["us-west-2"], "backup_copy_interval": None}, "region",
     "dynamodb-global-table"),
    (DDB, {"Table": {"MultiRegionConsistency": "STRONG"}}, {"replica_regions": ["us-west-2"]}, "region",
     "dynamodb-global-strong"),
    (DDB, {"Table": {}}, {}, "az", "dynamodb-multi-az"),
    (DDB, {"ContinuousBackupsDescription": {"PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED"}}},
     {"backup_interval": None}, "data", "dynamodb-pitr"),
    (S3, {"BucketVersioning": {"Status": "Enabled"}}, S3_DERIVED, "region", "s3-single-region"),
    (S3, {"BucketVersioning": {}}, {**S3_DERIVED, "replication_destinations": [
        {"CrossRegion": True, "Status": "Enabled", "ReplicationTime": "Disabled"}]}, "region", "s3-crr"),
    (S3, {"BucketVersioning": {}}, {**S3_DERIVED, "replication_destinations": [
        {"CrossRegion": True, "Status": "Enabled", "ReplicationTime": "Enabled"}]}, "region", "s3-crr-rtc"),
    (S3, {"BucketVersioning": {}}, {**S3_DERIVED, "replication_sources": [{"CrossRegion": True}]}, "region",
     "s3-replica-of-other-region"),
    (S3, {"BucketVersioning": {"Status": "Enabled"}}, S3_DERIVED, "data", "s3-versioning"),
    (S3, {"BucketVersioning": {}}, {**S3_DERIVED, "replication_destinations": [
        {"CrossRegion": True, "Status": "Enabled", "ReplicationTime": "Enabled"}]}, "data", "s3-unprotected"),
    (VOL, {"AvailabilityZone": "us-east-1a"}, {**VOL_DERIVED, "snapshot_interval": 86400.0}, "az",
     "ebs-scheduled-snapshots"),
    (VOL, {"AvailabilityZone": "us-east-1a"}, VOL_DERIVED, "az", "ebs-no-snapshot"),
    (VOL, {"AvailabilityZone": "us-east-1a"}, {**VOL_DERIVED, "latest_snapshot_time": "2024-06-01T00:00:00+00:00"},
     "az", "ebs-ad-hoc-snapshot"),
    ("AWS::EFS::FileSystem", {}, {"backup_interval": None}, "az", "efs-regional"),
    # EFS backups and replication are collected (DescribeBackupPolicy, DescribeReplicationConfigurations):
    # the model reads them, never "not collected" (issue 11: the findings judged what the model called unread).
    (EFS, {"AvailabilityZoneName": "us-east-1a", "BackupPolicy": {"Status": "ENABLED"}}, EFS_DERIVED, "az",
     "efs-one-zone-automatic-backup"),
    (EFS, {"AvailabilityZoneName": "us-east-1a", "BackupPolicy": {"Status": "DISABLED"}}, EFS_DERIVED, "az",
     "efs-one-zone-no-copy"),
    (EFS, {"BackupPolicy": {"Status": "DISABLED"}}, {**EFS_DERIVED, "replication_destinations": [
        {"CrossRegion": True, "Status": "ENABLED"}]}, "region", "efs-replication"),
    (EFS, {"BackupPolicy": {"Status": "DISABLED"}}, {**EFS_DERIVED, "replication_destinations": [
        {"CrossRegion": False, "Status": "ENABLED"}]}, "region", "efs-no-copy"),
    (EFS, {"BackupPolicy": {"Status": "ENABLED"}}, EFS_DERIVED, "data", "efs-automatic-backup"),
    (EFS, {"BackupPolicy": {"Status": "DISABLED"}}, EFS_DERIVED, "data", "efs-no-backup"),
    ("AWS::AutoScaling::AutoScalingGroup", {"AvailabilityZones": ["us-east-1a", "us-east-1b"]}, {}, "az",
     "asg-multi-az"),
    ("AWS::AutoScaling::AutoScalingGroup", {"AvailabilityZones": ["us-east-1a"]}, {}, "az", "asg-single-az"),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", {"AvailabilityZones": [{"ZoneName": "us-east-1a"}]}, {}, "az",
     "elb-single-az"),
    ("AWS::ElastiCache::ReplicationGroup", {"MultiAZ": "enabled", "AutomaticFailover": "enabled",
                                            "SnapshotRetentionLimit": 0}, {}, "az", "elasticache-multi-az"),
    ("AWS::RDS::DBCluster", {"Engine": "aurora-postgresql"},
     {"member_availability_zones": ["us-east-1a", "us-east-1b"], "global_writer": None}, "az",
     "aurora-replica-other-zone"),
    ("AWS::RDS::DBCluster", {"Engine": "aurora-postgresql"},
     {"member_availability_zones": ["us-west-2a"], "global_writer": False}, "az", "aurora-global-secondary-zone"),
    ("AWS::RDS::DBCluster", {"Engine": "aurora-postgresql"},
     {"global_writer": True, "global_members": [{"CrossRegion": True}]}, "region", "aurora-global-database"),
]


@pytest.mark.parametrize(("resource_type", "properties", "derived", "disruption", "expected"), CASES,
                         ids=[f"{c[0].split('::')[1]}-{c[3]}-{c[4]}" for c in CASES])
def test_estimate_takes_the_case_and_figures_of_the_table(model, resource_type, properties, derived, disruption,
                                                          expected):
    r = resource(resource_type, properties, derived)
    est = estimate(model.types[resource_type], r, disruption, NOW)
    assert est.case is not None and est.case.id == expected, (est.outcome, est.reason)
    chosen = case(model, resource_type, disruption, expected)
    assert est.outcome == chosen.outcome
    for name in ("rpo", "rto"):
        figure: Figure | None = getattr(chosen, name)
        if figure is None:
            assert getattr(est, name) is None  # lost: no figures
        elif figure.kind == "none":
            assert est.no_data and getattr(est, name) == Span.exactly(0)
        else:
            assert getattr(est, name) == figure.resolve(r, NOW)


def test_compute_in_another_region_of_the_workload(model):
    """workload.peer_regions comes from the objectives stage's view of the component, never from a
    derived field: linked resources (read by rules too) stay as the link stage left them."""
    asg = "AWS::AutoScaling::AutoScalingGroup"
    est = estimate(model.types[asg], {**resource(asg), "workload": {"peer_regions": ["us-west-2"]}}, "region", NOW)
    assert est.case is not None and est.case.id == "asg-peer-region"
    alone = estimate(model.types[asg], resource(asg), "region", NOW)
    assert alone.case is None or alone.case.id != "asg-peer-region"


def test_documented_figures_are_pinned(model):
    """The AWS numbers themselves: a change to the table must be deliberate."""
    multi_az = case(model, RDS, "az", "rds-multi-az")
    assert (multi_az.rto.low, multi_az.rto.high) == (60, 120)
    assert case(model, RDS, "data", "rds-pitr").rpo.high == 300
    assert case(model, "AWS::RDS::DBCluster", "az", "cluster-multi-az-db-cluster").rto.high == 35
    assert case(model, "AWS::RDS::DBCluster", "region", "aurora-global-database").rto.high == 60
    assert case(model, S3, "region", "s3-crr-rtc").rpo.high == 900
    assert case(model, S3, "region", "s3-crr").rpo.high is None  # no commitment without RTC
    assert case(model, DDB, "data", "dynamodb-pitr").rpo.high == 300


def test_observed_interval_becomes_the_rpo_bound(model):
    r = resource(RDS, RDS_BASE, {**RDS_DERIVED, "backup_interval": 86400.0})
    est = estimate(model.types[RDS], r, "data", NOW)
    assert est.case.id == "rds-backup-plan" and est.rpo == Span(0, 86400)


def test_snapshot_age_is_the_rpo_floor(model):
    r = resource(VOL, {"AvailabilityZone": "us-east-1a"},
                 {**VOL_DERIVED, "latest_snapshot_time": "2024-05-31T12:00:00+00:00"})
    est = estimate(model.types[VOL], r, "data", NOW)
    assert est.rpo == Span(86400, None)


def test_missing_input_is_unknown_with_the_reason_never_a_later_case(model):
    r = resource(RDS, RDS_BASE, {k: v for k, v in RDS_DERIVED.items() if k != "replica_source"},
                 unavailable={"derived.replica_source": {"reason": "DescribeDBInstances failed: AccessDenied"}})
    est = estimate(model.types[RDS], r, "az", NOW)
    assert est.outcome == "unknown"
    assert "AccessDenied" in est.reason
    assert est.at_worst is not None and est.at_worst.id == "rds-no-copy"


def test_uncollected_input_is_unknown_not_lost(model):
    # EFS replication not computed (its answer missing): the Region estimate is unknown, naming the
    # field, and never falls through to the last case ("no copy outside the Region": lost).
    est = estimate(model.types["AWS::EFS::FileSystem"], resource("AWS::EFS::FileSystem", {},
                                                                  {"backup_copy_interval": None}), "region", NOW)
    assert est.outcome == "unknown" and "derived.replication_destinations" in est.reason
    assert est.at_worst is not None and est.at_worst.id == "efs-no-copy"


def test_no_case_says_drcheck_does_not_collect_what_it_collects(model):
    # A case that calls an input "not collected" contradicts the findings, which judge it.
    for type_model in model.types.values():
        for cases in type_model.cases.values():
            for c in cases:
                assert "not collected" not in (c.label + (c.unknown or "")), (type_model.resource_type, c.id)


def test_zones(model):
    elb = resource("AWS::ElasticLoadBalancingV2::LoadBalancer",
                   {"AvailabilityZones": [{"ZoneName": "us-east-1b"}, {"ZoneName": "us-east-1a"}]})
    assert zones_of(model.types[elb["resource_type"]], elb, NOW) == ["us-east-1a", "us-east-1b"]
    cache = resource("AWS::ElastiCache::ReplicationGroup", {"NodeGroups": [{"NodeGroupMembers": [
        {"PreferredAvailabilityZone": "us-east-1c"}]}]})
    assert zones_of(model.types[cache["resource_type"]], cache, NOW) == ["us-east-1c"]
    assert zones_of(model.types[DDB], resource(DDB), NOW) is None  # regional
    efs = resource("AWS::EFS::FileSystem", {"AvailabilityZoneName": "us-east-1a"})
    assert zones_of(model.types[efs["resource_type"]], efs, NOW) == ["us-east-1a"]
    assert zones_of(model.types[efs["resource_type"]], resource("AWS::EFS::FileSystem"), NOW) is None
