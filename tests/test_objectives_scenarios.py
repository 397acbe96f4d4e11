"""What-if outages on accounts built in moto and collected the way a scan does."""

from __future__ import annotations

import pytest

from drcheck.link import link
from drcheck.objectives.assess import prepare, workload_results
from drcheck.objectives.model import load_model
from drcheck.objectives.scenarios import make_scenario, run_scenario
from drcheck.objectives.settings import Settings
from tests.conftest import collect_types

REGIONS = ("us-east-1", "us-west-2")


@pytest.fixture(scope="module")
def model(catalogue):
    return load_model(catalogue.collectors, catalogue.linkers)


def _tags(workload):
    return [{"Key": "workload", "Value": workload}]


def _collect(aws, catalogue, model, regions=REGIONS):
    return collect_types(aws, catalogue, model.needs(), regions=regions)


def _prepared(aws, catalogue, model, settings=None):
    return prepare(link(_collect(aws, catalogue, model), catalogue.linkers), model, settings or Settings())


def _outcome(prepared, region=None, az=None, service=None):
    result = run_scenario(prepared, make_scenario(prepared, region, az, service))
    return {w["name"]: w for w in result["workloads"]}


def _rds(aws, name, workload, multi_az, zone="us-east-1a", retention=7):
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro", MasterUsername="admin",
        MasterUserPassword="password-1", AllocatedStorage=20, MultiAZ=multi_az, AvailabilityZone=zone,
        BackupRetentionPeriod=retention, Tags=_tags(workload))


def test_multi_az_rds_survives_an_az_but_not_a_region(aws, catalogue, model):
    _rds(aws, "orders-db", "orders", multi_az=True)
    prepared = _prepared(aws, catalogue, model)
    zone = _outcome(prepared, az="us-east-1a")["orders"]
    assert zone["status"] == "degraded"  # fails over to the standby: no data lost
    assert zone["data_at_risk"] == "0 s" and zone["time_to_recover"] == "1 min–2 min"
    region = _outcome(prepared, region="us-east-1")["orders"]
    assert region["status"] == "down"
    assert region["data_at_risk"] == "not recoverable"
    assert region["deciding"][0]["name"] == "orders-db"
    assert _outcome(prepared, region="us-west-2")["orders"]["status"] == "survives"


def test_single_az_rds_is_down_in_its_zone_only(aws, catalogue, model):
    _rds(aws, "orders-db", "orders", multi_az=False, zone="us-east-1b")
    _rds(aws, "reports-db", "reports", multi_az=False, zone="us-east-1a")  # so the inventory has us-east-1a
    prepared = _prepared(aws, catalogue, model)
    assert _outcome(prepared, az="us-east-1b")["orders"]["status"] == "down"
    assert _outcome(prepared, az="us-east-1a")["orders"]["status"] == "survives"


def _table(aws, name, workload, region="us-east-1"):
    aws.client("dynamodb", region_name=region).create_table(
        TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        Tags=_tags(workload))


def test_dynamodb_outage_takes_down_a_workload_whose_table_has_no_replica(aws, catalogue, model):
    _table(aws, "carts", "shop")
    _rds(aws, "billing-db", "billing", multi_az=True)
    prepared = _prepared(aws, catalogue, model)
    outage = _outcome(prepared, region="us-east-1", service="dynamodb")
    assert outage["shop"]["status"] == "down"
    assert outage["shop"]["deciding"][0]["name"] == "carts"
    assert outage["billing"]["status"] == "survives"  # RDS is not DynamoDB
    assert _outcome(prepared, region="us-west-2", service="dynamodb")["shop"]["status"] == "survives"


def test_dynamodb_table_with_replica_fails_over_in_the_outage(aws, catalogue, model):
    _table(aws, "carts", "shop")
    inventory = _collect(aws, catalogue, model)
    # moto keeps no 2019.11.21 replicas: give the collected DescribeTable the replica AWS would report.
    table = next(r for r in inventory["resources"] if r["id"] == "carts")
    table["properties"]["Table"]["Replicas"] = [{"RegionName": "us-west-2", "ReplicaStatus": "ACTIVE"}]
    prepared = prepare(link(inventory, catalogue.linkers), model, Settings())
    assert _outcome(prepared, region="us-east-1", service="dynamodb")["shop"]["status"] == "degraded"


def _bucket(aws, name, region, workload, versioning=True):
    s3 = aws.client("s3", region_name=region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    if versioning:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _tags(workload)})
    return s3


def _replicate(s3, source, destination):
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication",
        "Rules": [{"ID": "dr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}]})


def test_cross_region_replication_keeps_data_in_a_region_loss_but_versioning_alone_does_not(aws, catalogue, model):
    s3 = _bucket(aws, "media", "us-east-1", "media")
    _bucket(aws, "media-dr", "us-west-2", "media")
    _replicate(s3, "media", "media-dr")
    _bucket(aws, "invoices", "us-east-1", "invoices")  # versioned, not replicated
    prepared = _prepared(aws, catalogue, model)
    loss = _outcome(prepared, region="us-east-1")
    assert loss["media"]["status"] == "degraded"
    assert loss["media"]["data_at_risk"] != "not recoverable"
    assert loss["invoices"]["status"] == "down"
    assert loss["invoices"]["data_at_risk"] == "not recoverable"
    # Losing the DR Region leaves the source serving.
    assert _outcome(prepared, region="us-west-2")["media"]["status"] == "survives"


def test_replication_without_backups_does_not_protect_against_corruption(aws, catalogue, model):
    _table(aws, "carts", "shop")  # a global table without point-in-time recovery or backups
    _table(aws, "orders", "orders")
    aws.client("dynamodb").update_continuous_backups(
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    inventory = _collect(aws, catalogue, model)
    for resource in inventory["resources"]:
        if resource["resource_type"] == "AWS::DynamoDB::Table":
            resource["properties"]["Table"]["Replicas"] = [{"RegionName": "us-west-2", "ReplicaStatus": "ACTIVE"}]
    results = {w["name"]: w for w in workload_results(prepare(link(inventory, catalogue.linkers), model, Settings()))}
    shop = results["shop"]["disruptions"]
    assert shop["region"]["rpo_text"] != "not recoverable"  # the replica survives a Region loss …
    assert shop["data"]["rpo_text"] == "not recoverable"  # … but copies a deletion or corruption
    assert shop["data"]["verdict"] == "not met"
    assert [d["name"] for d in shop["data"]["deciding"]] == ["carts"]
    orders = results["orders"]["disruptions"]["data"]
    assert orders["rpo_met"] is True and orders["rpo_text"] == "≤ 5 min"  # point-in-time recovery


def test_untagged_resources_land_in_unassigned(aws, catalogue, model):
    _table(aws, "carts", "shop")
    aws.client("dynamodb").create_table(
        TableName="scratch", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    prepared = _prepared(aws, catalogue, model)
    results = {w["name"]: w for w in workload_results(prepared)}
    assert [c["name"] for c in results["unassigned"]["components"]] == ["scratch"]
    assert results["unassigned"]["assigned"] is False and results["unassigned"]["tier"] is None
    assert "scratch" not in [c["name"] for c in results["shop"]["components"]]
    outage = _outcome(prepared, region="us-east-1")
    assert outage["unassigned"]["status"] == "down"


def test_workloads_from_config_tags_and_stacks(aws, catalogue, model):
    from drcheck.objectives.settings import Definition

    _table(aws, "carts", "shop")
    ddb = aws.client("dynamodb")
    for name, tags in (("pay-ledger", []), ("events", [{"Key": "aws:cloudformation:stack-name", "Value": "stack-a"}]),
                       ("sessions", [{"Key": "App", "Value": "web"}, {"Key": "DR-Tier", "Value": "critical"}])):
        ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST", **({"Tags": tags} if tags else {}))
    settings = Settings(definitions=(Definition("payments", "important",
                                                ("arn:aws:dynamodb:*:*:table/pay-*",)),))
    results = {w["name"]: w for w in workload_results(_prepared(aws, catalogue, model, settings))}
    assert [c["name"] for c in results["payments"]["components"]] == ["pay-ledger"]
    assert results["payments"]["tier"]["name"] == "important"
    assert [c["name"] for c in results["stack-a"]["components"]] == ["events"]
    assert results["web"]["tier"]["name"] == "critical"  # dr-tier tag, any case
    assert results["shop"]["tier"]["name"] == "standard"  # the default


def test_bad_scenarios_are_user_errors(aws, catalogue, model):
    from drcheck.errors import UserError

    _table(aws, "carts", "shop")
    prepared = _prepared(aws, catalogue, model)
    for region, az, service in ((None, None, None), ("eu-west-9", None, None), ("us-east-1", None, "lambda-x"),
                                (None, "nowhere", None), ("us-east-1", "us-east-1a", None), (None, "use1-az9", None)):
        with pytest.raises(UserError):
            make_scenario(prepared, region, az, service)


def test_a_zone_no_resource_is_in_is_refused(aws, catalogue, model):
    """`whatif --az us-east-1z` once answered "everything survives": a zone must be one the inventory has."""
    from drcheck.errors import UserError

    _rds(aws, "orders-db", "orders", multi_az=False, zone="us-east-1b")
    prepared = _prepared(aws, catalogue, model)
    with pytest.raises(UserError, match="no resource in this inventory is in that zone"):
        make_scenario(prepared, None, "us-east-1z", None)
    assert make_scenario(prepared, None, "us-east-1b", None).zone == "us-east-1b"


def test_zone_ids_are_mapped_to_names_per_account(aws, catalogue, model):
    """use1-az1 is us-east-1a in one account and us-east-1c in another (AWS maps names per account)."""
    from dataclasses import replace

    _rds(aws, "orders-db", "orders", multi_az=False, zone="us-east-1a")
    prepared = _prepared(aws, catalogue, model)

    def subnet(account, name):
        return {"resource_type": "AWS::EC2::Subnet", "service": "ec2", "account_id": account, "region": "us-east-1",
                "id": f"subnet-{account}", "name": None, "tags": {},
                "properties": {"AvailabilityZone": name, "AvailabilityZoneId": "use1-az1"}, "unavailable": {}}

    inventory = {**prepared.inventory, "resources": [*prepared.inventory["resources"], subnet("111111111111", "us-east-1a"),
                                                     subnet("222222222222", "us-east-1c")]}
    scenario = make_scenario(replace(prepared, inventory=inventory), None, "use1-az1", None)
    assert dict(scenario.zone_names) == {"111111111111": "us-east-1a", "222222222222": "us-east-1c"}
    [database] = [c for c in prepared.components if c.resource["name"] == "orders-db"]
    in_first = replace(database, resource={**database.resource, "account_id": "111111111111"})
    in_second = replace(database, resource={**database.resource, "account_id": "222222222222"})
    in_third = replace(database, resource={**database.resource, "account_id": "333333333333"})
    assert scenario.affects(in_first) is True
    assert scenario.affects(in_second) is False
    assert "no known zone name in account 333333333333" in scenario.affects(in_third)
