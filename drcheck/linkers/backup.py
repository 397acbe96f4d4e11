"""AWS Backup coverage: which plans back up each resource, from the plans' resource selections.

Coverage is computed from the selections (GetBackupSelection), never from ListProtectedResources,
which lists a resource only after its first backup has completed: a resource added to a plan
yesterday, or one whose every backup fails, would otherwise read as unprotected or protected
for the wrong reason.

How a selection assigns resources (AWS Backup developer guide, "Assign resources with AWS CLI",
the BackupSelection API reference and the knowledge-center article "backup-assign-resources"):

- `Resources` (ARNs, `*` wildcards) and `Conditions` combine with AND: the resource must match an
  ARN pattern and every condition.
- `Resources` and `ListOfTags` combine with OR.
- `ListOfTags` entries combine with OR (at least one tag must match, StringEquals only).
- `Conditions` entries combine with AND (StringEquals, StringNotEquals, StringLike, StringNotLike
  on `aws:ResourceTag/<key>`); condition operators are case sensitive.
- A selection with no `Resources` and no `ListOfTags` selects every supported and opted-in
  resource, narrowed by `Conditions`.
- `NotResources` always excludes.
- Whether `Conditions` also narrow a `ListOfTags` match is not documented: when the answer
  depends on it, the selection's verdict for that resource is unknown, never a guess.
- Opt-in: a service-wide selection (`*`, `arn:aws:ec2:*`) and every tag-based selection include a
  resource only if its resource type is opted in (DescribeRegionSettings
  ResourceTypeOptInPreference); an ARN pattern naming the resource type
  (`arn:aws:ec2:*:*:volume/*`) includes it regardless. Aurora, DocumentDB, Neptune and RDS share
  the `cluster:` ARN form, so RDS clusters always depend on their own type's opt-in.
- A plan backs up resources in its own account and Region only.
- An EC2 instance backup is an AMI with snapshots of every attached volume, so a volume attached
  to a covered instance is covered too.
"""

from __future__ import annotations

import re
from functools import lru_cache

from drcheck import arns, unknowns
from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex

# Resource types drcheck collects that AWS Backup can protect, with their opt-in preference name
# (None: decided per resource, see opt_in_name).
PROTECTABLE_TYPES: dict[str, str | None] = {
    "AWS::EC2::Volume": "EBS",
    "AWS::EC2::Instance": "EC2",
    "AWS::RDS::DBInstance": "RDS",
    "AWS::RDS::DBCluster": None,
    "AWS::DynamoDB::Table": "DynamoDB",
    "AWS::EFS::FileSystem": "EFS",
    "AWS::S3::Bucket": "S3",
    "AWS::FSx::FileSystem": "FSx",
    "AWS::Redshift::Cluster": "Redshift",
}
SHARED_ARN_TYPES = {"AWS::RDS::DBCluster"}
REGION_SETTINGS = "AWS::Backup::RegionSettings"
CONDITION_OPERATORS = ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")


def opt_in_name(resource: dict) -> str | None:
    """The ResourceTypeOptInPreference key that governs this resource."""
    name = PROTECTABLE_TYPES.get(resource["resource_type"])
    if name or resource["resource_type"] != "AWS::RDS::DBCluster":
        return name
    engine = str(resource["properties"].get("Engine") or "")
    if engine.startswith("aurora"):
        return "Aurora"
    return {"docdb": "DocumentDB", "neptune": "Neptune"}.get(engine, "RDS")


@lru_cache(maxsize=1024)
def _wildcard(pattern: str) -> re.Pattern[str]:
    """AWS Backup and IAM-style wildcards: * any run of characters, ? one character."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + r"\Z")


def _matches(pattern: str, value: str) -> bool:
    return bool(_wildcard(pattern).match(value))


def _tag_key(condition_key: str) -> str:
    return condition_key.removeprefix("aws:ResourceTag/")


def conditions_hold(conditions: dict, tags: dict[str, str]) -> bool:
    """Every entry of every operator must hold (AND); a missing tag fails the positive operators."""
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


def _any3(values: list[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def selection_matches(selection: dict, resource: dict, opted_in: bool | None = True) -> bool | None:
    """Whether one BackupSelection (as GetBackupSelection returns it) assigns this resource.

    `opted_in` is the resource type's opt-in preference in the Region (None: not known). Returns
    None when the answer depends on something AWS does not document or drcheck could not read.
    """
    arn = resource.get("arn") or ""
    tags = resource.get("tags") or {}
    if any(_matches(p, arn) for p in selection.get("NotResources") or []):
        return False
    resources = selection.get("Resources") or []
    list_of_tags = selection.get("ListOfTags") or []
    conditions = selection.get("Conditions") or {}
    has_conditions = any(conditions.get(op) for op in CONDITION_OPERATORS)
    holds = conditions_hold(conditions, tags)
    shared = resource["resource_type"] in SHARED_ARN_TYPES
    ways: list[bool | None] = []  # each way the selection can pick the resource
    if resources:
        hits = [p for p in resources if _matches(p, arn)]
        if hits and holds:
            by_type = not shared and any(arns.names_resource_type(p) for p in hits)
            ways.append(True if by_type else opted_in)
    elif not list_of_tags and holds:
        ways.append(opted_in)  # no Resources and no ListOfTags: everything opted in, narrowed by Conditions
    tag_hit = any(
        t.get("ConditionType", "STRINGEQUALS") == "STRINGEQUALS"
        and tags.get(_tag_key(t.get("ConditionKey", ""))) == t.get("ConditionValue")
        for t in list_of_tags
    )
    if tag_hit:
        ways.append(opted_in if (holds or not has_conditions) else None)
    return _any3(ways)


def _opt_in(index: ResourceIndex, settings: dict | None, resource: dict) -> tuple[bool | None, str | None]:
    """(opted in?, why unknown) for the resource's type in its Region."""
    scope = (resource["account_id"], resource["region"])
    problem = index.problem(*scope, REGION_SETTINGS)
    if problem:
        return None, problem
    if settings is None:
        return None, f"{REGION_SETTINGS} missing for {scope[1]}"
    preferences = settings["properties"].get("ResourceTypeOptInPreference") or {}
    name = opt_in_name(resource)
    if name not in preferences:
        return None, f"the Region's opt-in preferences do not list {name}"
    return bool(preferences[name]), None


def _covering(index: ResourceIndex, resource: dict, selections: list[dict], plans: dict,
              settings: dict | None) -> tuple[list[dict], list[str]]:
    """(plans covering the resource, why some selection's answer is unknown)."""
    problems: list[str] = []
    covering: list[dict] = []
    opted_in, opt_in_problem = _opt_in(index, settings, resource)
    for selection in selections:
        problem = index.body_problem(selection, "BackupSelection")
        if problem:
            problems.append(problem)
            continue
        body = selection["properties"]["BackupSelection"]
        verdict = selection_matches(body, resource, opted_in)
        if verdict is None:
            problems.append(opt_in_problem or (
                f"selection {body.get('SelectionName')}: AWS does not document whether its Conditions "
                "also narrow its ListOfTags, and the answer decides this resource"))
        elif verdict:
            plan = plans.get((resource["account_id"], resource["region"], selection["properties"].get("BackupPlanId")))
            covering.append({
                "BackupPlanId": selection["properties"].get("BackupPlanId"),
                "BackupPlanName": plan["name"] if plan else None,
                "SelectionName": body.get("SelectionName"),
            })
    return covering, problems


def link_backup_coverage(index: ResourceIndex) -> None:
    """derived.backup_plans: the plans (and selections) that back up each protectable resource."""
    plans = {(p["account_id"], p["region"], p["id"]): p for p in index.of_type("AWS::Backup::BackupPlan")}
    settings = {(s["account_id"], s["region"]): s for s in index.of_type(REGION_SETTINGS)}
    selections_by_scope: dict[tuple[str, str], list[dict]] = {}
    for selection in index.of_type("AWS::Backup::BackupSelection"):
        selections_by_scope.setdefault((selection["account_id"], selection["region"]), []).append(selection)
    results: dict[int, tuple[list[dict], list[str]]] = {}
    for resource in index.of_type(*PROTECTABLE_TYPES):
        scope = (resource["account_id"], resource["region"])
        # A plan protects resources in its own account and Region only.
        problems = [p for p in (
            index.problem(*scope, "AWS::Backup::BackupPlan"),
            index.problem(*scope, "AWS::Backup::BackupSelection"),
        ) if p]
        covering, more = _covering(index, resource, selections_by_scope.get(scope, []), plans,
                                      settings.get(scope))
        results[id(resource)] = (covering, problems + more)
    instances = {(r["account_id"], r["region"], r["id"]): r for r in index.of_type("AWS::EC2::Instance")}
    for resource in index.of_type(*PROTECTABLE_TYPES):
        covering, problems = results[id(resource)]
        if resource["resource_type"] == "AWS::EC2::Volume":
            covering, problems = _add_instance_coverage(resource, covering, problems, instances, results)
        if covering or not problems:
            index.set_derived(resource, "backup_plans", covering)
        else:
            index.set_unknown(resource, "backup_plans", unknowns.join(dict.fromkeys(problems)))


def _add_instance_coverage(volume: dict, covering: list[dict], problems: list[str], instances: dict,
                           results: dict) -> tuple[list[dict], list[str]]:
    covering, problems = list(covering), list(problems)
    for attachment in volume["properties"].get("Attachments") or []:
        instance = instances.get((volume["account_id"], volume["region"], attachment.get("InstanceId")))
        if instance is None:
            problems.append(f"instance {attachment.get('InstanceId')} of attached volume {volume['id']} not collected")
            continue
        instance_covering, instance_problems = results[id(instance)]
        covering.extend({**c, "Via": f"instance {instance['id']}"} for c in instance_covering)
        problems.extend(instance_problems)
    return covering, problems


LINKERS = (
    Linker(
        name="backup-coverage",
        provides={t: ("backup_plans",) for t in PROTECTABLE_TYPES},
        reads={"AWS::Backup::BackupPlan": (), "AWS::Backup::BackupSelection": ("BackupSelection",),
                  REGION_SETTINGS: (), "AWS::EC2::Instance": ()},
        link=link_backup_coverage,
    ),
)
