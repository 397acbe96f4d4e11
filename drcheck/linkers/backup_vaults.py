"""AWS Backup vault facts: does the vault's access policy deny deleting recovery points?"""

from __future__ import annotations

import json

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.policies import applies_to_everyone, covers_action, statements

VAULT = "AWS::Backup::BackupVault"
DELETE_ACTION = "backup:DeleteRecoveryPoint"


def link_vault_policies(index: ResourceIndex) -> None:
    """derived.denies_recovery_point_deletion: a Deny statement for everyone that covers
    backup:DeleteRecoveryPoint (conditions that exempt a break-glass role still count)."""
    for vault in index.of_type(VAULT):
        problem = index.detail_problem(vault, "AccessPolicy")
        if problem:
            index.set_unknown(vault, "denies_recovery_point_deletion", problem)
            continue
        policy = vault["properties"]["AccessPolicy"]
        if policy is None:  # ResourceNotFoundException: the vault has no access policy
            index.set_derived(vault, "denies_recovery_point_deletion", False)
            continue
        try:
            found = statements(policy)
        except (ValueError, json.JSONDecodeError) as exc:
            index.set_unknown(vault, "denies_recovery_point_deletion", f"cannot read the access policy: {exc}")
            continue
        denies = any(s.get("Effect") == "Deny" and applies_to_everyone(s) and covers_action(s, DELETE_ACTION)
                     for s in found)
        index.set_derived(vault, "denies_recovery_point_deletion", denies)


LINKERS = (
    Linker(
        name="backup-vault-policies",
        provides={VAULT: ("denies_recovery_point_deletion",)},
        reads={VAULT: ("AccessPolicy",)},
        link=link_vault_policies,
    ),
)
