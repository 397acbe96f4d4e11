"""AWS Backup facts: which plans cover each resource, and where each plan copies to.

Coverage is computed from the plans' resource selections (ARNs and wildcards, ListOfTags,
Conditions, minus NotResources), never from ListProtectedResources, which lists a resource only
after its first backup has completed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex

# Resource types AWS Backup can protect that drcheck collects.
PROTECTABLE_TYPES = (
    "AWS::EC2::Volume",
    "AWS::EC2::Instance",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::EFS::FileSystem",
    "AWS::S3::Bucket",
    "AWS::FSx::FileSystem",
    "AWS::Redshift::Cluster",
)


@lru_cache(maxsize=1024)
def _wildcard(pattern: str) -> re.Pattern[str]:
    """AWS Backup and IAM-style wildcards: * any run of characters, ? one character."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + r"\Z")


def _matches(pattern: str, value: str) -> bool:
    return bool(_wildcard(pattern).match(value))


def _tag_key(condition_key: str) -> str:
    return condition_key.removeprefix("aws:ResourceTag/")


def selection_matches(selection: dict, resource: dict) -> bool:
    """Whether one BackupSelection (as GetBackupSelection returns it) assigns this resource.

    AWS semantics: Resources and Conditions combine with AND; ListOfTags entries are ORed with
    each other and with the ARN match; a selection naming no Resources and no ListOfTags selects
    every supported resource (narrowed by Conditions); NotResources always excludes.
    """
    arn = resource.get("arn") or ""
    tags = resource.get("tags") or {}
    resources = selection.get("Resources") or []
    list_of_tags = selection.get("ListOfTags") or []
    conditions = selection.get("Conditions") or {}

    def conditions_hold() -> bool:
        for c in conditions.get("StringEquals") or []:
            if tags.get(_tag_key(c["ConditionKey"])) != c["ConditionValue"]:
                return False
        for c in conditions.get("StringNotEquals") or []:
            if tags.get(_tag_key(c["ConditionKey"])) == c["ConditionValue"]:
                return False
        for c in conditions.get("StringLike") or []:
            value = tags.get(_tag_key(c["ConditionKey"]))
            if value is None or not _matches(c["ConditionValue"], value):
                return False
        for c in conditions.get("StringNotLike") or []:
            value = tags.get(_tag_key(c["ConditionKey"]))
            if value is not None and _matches(c["ConditionValue"], value):
                return False
        return True

    if resources:
        by_arn = any(_matches(p, arn) for p in resources) and conditions_hold()
    else:
        by_arn = not list_of_tags and conditions_hold()
    by_tags = any(
        t.get("ConditionType", "STRINGEQUALS") == "STRINGEQUALS"
        and tags.get(_tag_key(t.get("ConditionKey", ""))) == t.get("ConditionValue")
        for t in list_of_tags
    )
    excluded = any(_matches(p, arn) for p in selection.get("NotResources") or [])
    return (by_arn or by_tags) and not excluded


def link_backup_coverage(index: ResourceIndex) -> None:
    """derived.backup_plans: the plans (and selections) that back up each protectable resource."""
    plans = {(p["account_id"], p["region"], p["id"]): p for p in index.of_type("AWS::Backup::BackupPlan")}
    selections_by_scope: dict[tuple[str, str], list[dict]] = {}
    for selection in index.of_type("AWS::Backup::BackupSelection"):
        selections_by_scope.setdefault((selection["account_id"], selection["region"]), []).append(selection)
    for resource in index.of_type(*PROTECTABLE_TYPES):
        scope = (resource["account_id"], resource["region"])
        # A plan protects resources in its own account and Region only.
        problems = [p for p in (
            index.problem(*scope, "AWS::Backup::BackupPlan"),
            index.problem(*scope, "AWS::Backup::BackupSelection"),
        ) if p]
        covering: list[dict] = []
        for selection in selections_by_scope.get(scope, []):
            problem = index.detail_problem(selection, "BackupSelection")
            if problem:
                problems.append(problem)
                continue
            if selection_matches(selection["properties"]["BackupSelection"], resource):
                plan = plans.get((*scope, selection["properties"].get("BackupPlanId")))
                covering.append({
                    "BackupPlanId": selection["properties"].get("BackupPlanId"),
                    "BackupPlanName": plan["name"] if plan else None,
                    "SelectionName": selection["properties"]["BackupSelection"].get("SelectionName"),
                })
        if covering or not problems:
            index.set_derived(resource, "backup_plans", covering)
        else:
            index.set_unknown(resource, "backup_plans", "; ".join(problems))


def _region_of_arn(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 and parts[3] else None


def _account_of_arn(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4] else None


def link_copy_destinations(index: ResourceIndex) -> None:
    """derived.copy_destinations: every copy action of every rule of a plan, with its Region and account."""
    for plan in index.of_type("AWS::Backup::BackupPlan"):
        problem = index.detail_problem(plan, "BackupPlan")
        if problem:
            index.set_unknown(plan, "copy_destinations", problem)
            continue
        destinations = []
        for rule in plan["properties"]["BackupPlan"].get("Rules") or []:
            for action in rule.get("CopyActions") or []:
                vault_arn = action.get("DestinationBackupVaultArn", "")
                region = _region_of_arn(vault_arn)
                account = _account_of_arn(vault_arn)
                destinations.append({
                    "RuleName": rule.get("RuleName"),
                    "DestinationBackupVaultArn": vault_arn,
                    "DestinationRegion": region,
                    "DestinationAccount": account,
                    "CrossRegion": region is not None and region != plan["region"],
                    "CrossAccount": account is not None and account != plan["account_id"],
                })
        index.set_derived(plan, "copy_destinations", destinations)


LINKERS = (
    Linker(
        name="backup-coverage",
        provides={t: ("backup_plans",) for t in PROTECTABLE_TYPES},
        requires={"AWS::Backup::BackupPlan": (), "AWS::Backup::BackupSelection": ("BackupSelection",)},
        link=link_backup_coverage,
    ),
    Linker(
        name="backup-copy-destinations",
        provides={"AWS::Backup::BackupPlan": ("copy_destinations",)},
        requires={"AWS::Backup::BackupPlan": ("BackupPlan",)},
        link=link_copy_destinations,
    ),
)
