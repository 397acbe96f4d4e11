"""Regions other than its own where AWS Backup copies a resource's recovery points.

A plan's copy actions send every recovery point of the resources it selects to the destination
vaults, so a resource selected by a plan that copies to another Region has an off-Region copy
whatever its own service offers. Which plans select a resource is the coverage linker's answer
(derived.backup_plans: opt-in, volumes through their instances); where a plan copies to is the
plan facts linker's (derived.copy_destinations). Neither is recomputed here, so "copied" can never
disagree with "backed up".
"""

from __future__ import annotations

from drcheck import unknowns
from drcheck.linkers import Linker
from drcheck.linkers.backup import PROTECTABLE_TYPES
from drcheck.linkers.index import ResourceIndex
from drcheck.ruleset.conditions import Unknown

PLAN = "AWS::Backup::BackupPlan"


def link_backup_copy_regions(index: ResourceIndex) -> None:
    """derived.backup_copies: [{Region, BackupPlanName, Rules}] for copies outside the resource's Region."""
    plans = {(p["account_id"], p["region"], p["id"]): p for p in index.of_type(PLAN)}
    for resource in index.of_type(*PROTECTABLE_TYPES):
        covering = index.derived(resource, "backup_plans")
        if isinstance(covering, Unknown):
            index.set_unknown(resource, "backup_copies", covering.reason)
            continue
        problems: list[str] = []
        by_plan: dict[tuple[str, str], list[str]] = {}  # (plan name, Region) -> rule names
        for plan_id in dict.fromkeys(c.get("BackupPlanId") for c in covering):
            plan = plans.get((resource["account_id"], resource["region"], plan_id))
            if plan is None:
                problems.append(f"backup plan {plan_id} is not in the inventory")
                continue
            destinations = index.derived(plan, "copy_destinations")
            if isinstance(destinations, Unknown):
                problems.append(destinations.reason)
                continue
            for destination in destinations:
                if "CrossRegion" not in destination:  # the destination vault ARN names no Region
                    problems.append(f"the Region plan {plan['name']} copies {resource['id']} to is not known "
                                    f"({destination.get('DestinationBackupVaultArn')!r})")
                elif destination["CrossRegion"]:
                    rules = by_plan.setdefault((str(plan["name"]), str(destination["DestinationRegion"])), [])
                    if destination.get("RuleName") not in rules:
                        rules.append(str(destination.get("RuleName")))
        copies = [{"Region": region, "BackupPlanName": name, "Rules": rules}
                  for (name, region), rules in by_plan.items()]
        if copies or not problems:
            index.set_derived(resource, "backup_copies", copies)
        else:
            index.set_unknown(resource, "backup_copies", unknowns.join(dict.fromkeys(problems)))


LINKERS = (
    Linker(
        name="backup-copy-regions",
        provides={t: ("backup_copies",) for t in PROTECTABLE_TYPES},
        reads={PLAN: ("derived.copy_destinations",)},
        own_reads=("derived.backup_plans",),
        link=link_backup_copy_regions,
    ),
)
