"""DynamoDB facts from outside DescribeTable's own fields: replicas in other Regions, capacity
dimensions without auto scaling, and the newest on-demand backup."""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.regions import other_region

LEGACY_GLOBAL_TABLES = "2017.11.29"


def link_replicas(index: ResourceIndex) -> None:
    """derived.replicas: the table's replicas in other Regions [{RegionName, ReplicaStatus}]."""
    for table in index.of_type("AWS::DynamoDB::Table"):
        problem = index.detail_problem(table, "Table")
        if problem:
            index.set_unknown(table, "replicas", problem)
            continue
        description = table["properties"]["Table"] or {}
        if description.get("GlobalTableVersion") == LEGACY_GLOBAL_TABLES:
            # Legacy global tables list their replicas only through DescribeGlobalTable.
            index.set_unknown(table, "replicas", "a legacy (2017.11.29) global table: its replicas are not listed "
                                                 "by DescribeTable; upgrade it to version 2019.11.21")
            continue
        replicas = []
        for replica in description.get("Replicas") or []:
            cross = other_region(replica.get("RegionName"), table["region"])
            if cross is False:
                continue
            entry = {"RegionName": replica.get("RegionName"), "ReplicaStatus": replica.get("ReplicaStatus")}
            if cross is None:  # a replica somewhere, but not known to be in another Region
                entry = {"RegionName": None, "_unavailable": {"ReplicaStatus": {"reason": "a replica names no Region"}}}
            replicas.append(entry)
        index.set_derived(table, "replicas", replicas)


def _dimensions(description: dict) -> list[tuple[str, str]]:
    """(ResourceId, ScalableDimension) pairs a provisioned table needs scaled: table and GSIs."""
    name = description.get("TableName")
    wanted = [(f"table/{name}", "dynamodb:table:ReadCapacityUnits"), (f"table/{name}", "dynamodb:table:WriteCapacityUnits")]
    for gsi in description.get("GlobalSecondaryIndexes") or []:
        resource = f"table/{name}/index/{gsi.get('IndexName')}"
        wanted += [(resource, "dynamodb:index:ReadCapacityUnits"), (resource, "dynamodb:index:WriteCapacityUnits")]
    return wanted


def link_unscaled_capacity(index: ResourceIndex) -> None:
    """derived.unscaled_capacity: provisioned read/write dimensions of the table and its global
    secondary indexes with no Application Auto Scaling target ([] for on-demand tables)."""
    scaled = {(t["account_id"], t["region"], t["properties"].get("ResourceId"), t["properties"].get("ScalableDimension"))
              for t in index.of_type("AWS::ApplicationAutoScaling::ScalableTarget")}
    for table in index.of_type("AWS::DynamoDB::Table"):
        problem = index.detail_problem(table, "Table")
        description = table["properties"].get("Table") or {}
        mode = (description.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
        if not problem and mode == "PAY_PER_REQUEST":
            index.set_derived(table, "unscaled_capacity", [])
            continue
        problem = problem or index.problem(table["account_id"], table["region"],
                                           "AWS::ApplicationAutoScaling::ScalableTarget")
        if problem:
            index.set_unknown(table, "unscaled_capacity", problem)
            continue
        missing = [f"{resource} {dimension.split(':')[-1]}" for resource, dimension in _dimensions(description)
                   if (table["account_id"], table["region"], resource, dimension) not in scaled]
        index.set_derived(table, "unscaled_capacity", missing)


def link_latest_backup(index: ResourceIndex) -> None:
    """derived.latest_backup_time: creation time of the newest AVAILABLE on-demand backup
    (user, system or AWS Backup made), None if there is none."""
    newest: dict[tuple[str, str, str], str] = {}
    for backup in index.of_type("AWS::DynamoDB::Backup"):
        props = backup["properties"]
        if props.get("BackupStatus") != "AVAILABLE" or not props.get("BackupCreationDateTime"):
            continue
        key = (backup["account_id"], backup["region"], str(props.get("TableName")))
        newest[key] = max(newest.get(key, ""), props["BackupCreationDateTime"])
    for table in index.of_type("AWS::DynamoDB::Table"):
        key = (table["account_id"], table["region"], table["id"])
        problem = index.problem(table["account_id"], table["region"], "AWS::DynamoDB::Backup")
        if key not in newest and problem:
            index.set_unknown(table, "latest_backup_time", problem)
        else:
            index.set_derived(table, "latest_backup_time", newest.get(key))


LINKERS = (
    Linker(
        name="dynamodb-replicas",
        provides={"AWS::DynamoDB::Table": ("replicas",)},
        reads={"AWS::DynamoDB::Table": ("Table",)},
        link=link_replicas,
    ),
    Linker(
        name="dynamodb-unscaled-capacity",
        provides={"AWS::DynamoDB::Table": ("unscaled_capacity",)},
        reads={"AWS::DynamoDB::Table": ("Table",), "AWS::ApplicationAutoScaling::ScalableTarget": ()},
        link=link_unscaled_capacity,
    ),
    Linker(
        name="dynamodb-latest-backup",
        provides={"AWS::DynamoDB::Table": ("latest_backup_time",)},
        reads={"AWS::DynamoDB::Table": (), "AWS::DynamoDB::Backup": ()},
        link=link_latest_backup,
    ),
)
