"""Regions other than its own where AWS Backup copies a resource's recovery points.

A plan's copy actions send every recovery point of the resources it selects to the destination
vaults, so a resource selected by a plan that copies to another Region has an off-Region copy
whatever its own service offers. Selection matching is the coverage linker's (drcheck.linkers.backup).
"""

from __future__ import annotations

from drcheck import arns
from drcheck.linkers import Linker
from drcheck.linkers.backup import PROTECTABLE_TYPES, selection_matches
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.regions import other_region


def _plan_copy_regions(plan: dict) -> dict[str, list[str]]:
    """Copy destination Region -> names of the plan's rules that copy there."""
    regions: dict[str, list[str]] = {}
    for rule in plan["properties"]["BackupPlan"].get("Rules") or []:
        for action in rule.get("CopyActions") or []:
            region = arns.region_of(action.get("DestinationBackupVaultArn"))
            if region:
                regions.setdefault(region, []).append(str(rule.get("RuleName")))
    return regions


def link_backup_copy_regions(index: ResourceIndex) -> None:
    """derived.backup_copies: [{Region, BackupPlanName, Rules}] for copies outside the resource's Region."""
    plans = {(p["account_id"], p["region"], p["id"]): p for p in index.of_type("AWS::Backup::BackupPlan")}
    selections_by_scope: dict[tuple[str, str], list[dict]] = {}
    for selection in index.of_type("AWS::Backup::BackupSelection"):
        selections_by_scope.setdefault((selection["account_id"], selection["region"]), []).append(selection)
    for resource in index.of_type(*PROTECTABLE_TYPES):
        scope = (resource["account_id"], resource["region"])
        problems = [p for p in (index.problem(*scope, "AWS::Backup::BackupPlan"),
                                index.problem(*scope, "AWS::Backup::BackupSelection")) if p]
        copies: list[dict] = []
        for selection in selections_by_scope.get(scope, []):
            problem = index.body_problem(selection, "BackupSelection")
            if problem:
                problems.append(problem)
                continue
            matched = selection_matches(selection["properties"]["BackupSelection"], resource)
            if matched is None:  # the coverage linker could not tell either; it says why
                problems.append(f"whether selection {selection['name']} picks {resource['id']} is not known")
                continue
            if not matched:
                continue
            plan = plans.get((*scope, selection["properties"].get("BackupPlanId")))
            if plan is None:
                problems.append("the selection's plan was not listed")
                continue
            problem = index.body_problem(plan, "BackupPlan")
            if problem:
                problems.append(problem)
                continue
            for region, rules in _plan_copy_regions(plan).items():
                cross = other_region(region, resource["region"])
                if cross is None:
                    problems.append(f"the Region of {resource['id']} is not known, so whether plan {plan['name']} "
                                    "copies it to another Region is not known either")
                elif cross:
                    copies.append({"Region": region, "BackupPlanName": plan["name"], "Rules": rules})
        if copies or not problems:
            index.set_derived(resource, "backup_copies", copies)
        else:
            index.set_unknown(resource, "backup_copies", "; ".join(problems))


LINKERS = (
    Linker(
        name="backup-copy-regions",
        provides={t: ("backup_copies",) for t in PROTECTABLE_TYPES},
        reads={"AWS::Backup::BackupPlan": ("BackupPlan",), "AWS::Backup::BackupSelection": ("BackupSelection",)},
        link=link_backup_copy_regions,
    ),
)
