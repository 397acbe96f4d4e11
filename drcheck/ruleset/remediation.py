"""What a rule's `remediation:` block may say, checked when the rule loads.

A remediation's `cli` (one command per line) and `terraform` are templates. Placeholders in angle
brackets are filled per failing resource by drcheck.report.fixes; the names are a fixed table,
like the condition operators, so a typo fails at load time instead of reaching a pasted command:

* the resource's own identifiers: `<resource_id>`, `<region>`, `<account_id>`, `<arn>`, `<name>`;
* values drcheck works out from the scan (VALUES below: the Region copies go to, a vault there,
  subnets in the other zones of the resource's VPC…);
* `<prop:Path.To.Field>`: a field of the resource as collected (API names);
* `<doc:NAME>`: a JSON document drcheck writes into the output folder (DOCUMENTS below), as a
  `file://` path;
* names declared under `inputs:` — values only the account owner knows; they stay visible in the
  command, with how to find them, and pasting the command unedited fails in the shell.

In a CLI template a placeholder may sit inside quotes only if its value turns out to be shell-inert
(fill time checks it); a value outside quotes is shell-quoted. `risks` label what needs the root
user, cannot be undone or interrupts service; `requires` names rules whose fix must come first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

RESOURCE_PLACEHOLDERS = ("resource_id", "region", "account_id", "arn", "name")

VALUES = {
    "dr_region": "the Region copies and replicas go to (another scanned Region of the account, else AWS's usual pair)",
    "dr_vault_name": "a backup vault in the DR Region (an existing one, else drcheck-dr, created by the fix)",
    "dr_vault_arn": "the ARN of that vault",
    "vault_name": "a backup vault in the resource's Region (an existing one, else drcheck-main, created by the fix)",
    "backup_role_arn": "the IAM role AWS Backup uses in this account (as existing selections use it)",
    "backup_plan_id": "a backup plan in the resource's Region (the one drcheck's fix creates when there is none)",
    "dlm_role_arn": "the IAM role Data Lifecycle Manager uses in this account",
    "tf_name": "a Terraform resource label made from the resource's name",
    "subnets_multi_az": "the resource's subnets plus one per other zone of its VPC, comma-separated",
    "subnet_args_multi_az": "the same subnets as separate arguments",
    "subnet_args_other_zones": "only the added subnets (one per other zone of its VPC), as separate arguments",
    "unused_zone": "an Availability Zone of the Region the resource does not use yet",
    "writer_instance_class": "the instance class of the DB cluster's writer",
    "replica_bucket": "a name for the bucket's replica in the DR Region",
    "replication_role_arn": "the role the bucket's replication uses (its existing one, else drcheck-s3-replication)",
    "replication_role_name": "that role's name",
    "subnet_other_zone": "one subnet of the resource's VPC in a zone it does not use",
    "zone_args": "up to three Availability Zones of the Region (from its subnets), as separate arguments",
    "opt_in_preferences": "Type=true for each AWS Backup resource type the Region has opted out",
    "add_cache_replica": "on a line of its own: the command adding a replica when the group has none (else nothing)",
    "dlq_name": "a name for a new dead-letter queue beside the queue",
    "global_datastore_id": "the Global Datastore the group is primary of, looked up when the command runs",
    "dlq_url": "the URL of the queue's dead-letter queue",
}

DOCUMENTS = {
    "backup-plan-with-copy": "the backup plan as scanned, with a copy action to the DR Region's vault on each rule",
    "backup-plan-cross-account": "the backup plan with a copy action to a vault in another account (an input)",
    "backup-plan-daily": "the backup plan with each rule that runs less than daily moved to a daily schedule",
    "backup-plan-retention": "the backup plan with each rule keeping recovery points for 35 days or more",
    "backup-plan-copy-retention": "the backup plan with each copy action keeping its copies for 35 days or more",
    "backup-plan-new": "a daily backup plan for the Region (35 days, copied to the DR Region)",
    "backup-selection-resource": "a backup selection of this one resource (by ARN)",
    "backup-selection-by-tag": "a selection of resources tagged backup=daily",
    "restore-testing-plan": "a weekly restore-testing plan for the Region",
    "restore-testing-selection": "a restore-testing selection of the Region's protected resource types",
    "vault-deny-delete-policy": "a vault access policy denying deletion of recovery points",
    "dlm-policy-with-copy": "the DLM policy details as scanned, with a copy rule to the DR Region on each schedule",
    "dlm-policy-daily": "the DLM policy details with each schedule at least daily",
    "dlm-policy-retention": "the DLM policy details keeping at least 7 snapshots per schedule",
    "s3-replication": "the bucket's replication configuration with a rule to the replica bucket in the DR Region",
    "s3-replication-rtc": "the bucket's replication configuration with Replication Time Control on each rule",
    "s3-replication-trust": "the trust policy letting S3 assume the replication role",
    "s3-replication-permissions": "the permissions the replication role needs for this bucket and its replica",
    "s3-lifecycle-noncurrent": "the bucket's lifecycle rules plus one expiring noncurrent versions after 30 days",
    "route53-ttl-60": "a change batch setting the record's TTL to 60 seconds",
    "ecr-replication": "the registry's replication rules plus one copying every repository to the DR Region",
    "ecs-network-multi-az": "the service's network configuration with subnets in more zones",
    "lambda-vpc-multi-az": "the function's VPC configuration with subnets in more zones",
    "sqs-dlq-attributes": "attributes of a new dead-letter queue (14 days' retention; FIFO when the queue is)",
    "sqs-redrive": "the queue's redrive policy pointing at the new dead-letter queue",
}

RISK_KINDS = {
    "root-user": "needs the root user",
    "irreversible": "cannot be undone",
    "downtime": "downtime",
    "interruption": "brief interruption",
}

_PLACEHOLDER = re.compile(r"<([a-z][a-z0-9_]*(?::[A-Za-z0-9_.\[\]-]+)?)>")


def placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template or "")


def placeholder_problem(name: str, inputs: Mapping[str, Any]) -> str | None:
    """Why a placeholder name is not allowed, or None."""
    kind, _, arg = name.partition(":")
    if arg:
        if kind == "prop":
            return None
        if kind == "doc":
            return None if arg in DOCUMENTS else f"unknown document <{name}> (known: {', '.join(sorted(DOCUMENTS))})"
        return f"unknown placeholder <{name}>"
    if name in RESOURCE_PLACEHOLDERS or name in VALUES or name in inputs:
        return None
    known = [*RESOURCE_PLACEHOLDERS, *VALUES]
    return f"unknown placeholder <{name}> (known: {', '.join(f'<{p}>' for p in known)}, <prop:Field>, <doc:NAME>, " \
           f"or declare it under remediation.inputs)"


def remediation_problems(remediation: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key, message) for each problem of one remediation block."""
    inputs = remediation.get("inputs") or {}
    problems = []
    for key in ("cli", "terraform"):
        for name in placeholders(remediation.get(key, "")):
            problem = placeholder_problem(name, inputs)
            if problem:
                problems.append((key, problem))
    for line in (remediation.get("cli") or "").splitlines():
        if line.strip() and _open_quote(line):
            problems.append(("cli", f"unbalanced quotes in {line.strip()[:60]!r} (one command per line)"))
    return problems


def _open_quote(line: str) -> bool:
    state = None
    escaped = False
    for char in line:
        if escaped:
            escaped = False
            continue
        if char == "\\" and state != "'":
            escaped = True
        elif state is None and char in "'\"":
            state = char
        elif char == state:
            state = None
    return state is not None


def quote_context(template: str, start: int) -> str | None:
    """The quote character open at `start` in a shell command template (None outside quotes)."""
    state = None
    escaped = False
    for char in template[:start]:
        if escaped:
            escaped = False
            continue
        if char == "\\" and state != "'":
            escaped = True
        elif state is None and char in "'\"":
            state = char
        elif char == state:
            state = None
        elif char == "\n":
            state = None
    return state


def prerequisite_problems(rules: Iterable[Any]) -> list[tuple[Any, str]]:
    """(rule, message) for `requires` naming an unknown rule, itself, or forming a cycle."""
    rules = list(rules)
    by_id = {r.id: r for r in rules}
    problems = []
    for rule in rules:
        for required in rule.remediation.get("requires") or ():
            if required == rule.id:
                problems.append((rule, "remediation.requires: a rule cannot require itself"))
            elif required not in by_id:
                problems.append((rule, f"remediation.requires: no rule {required!r}"))
    state: dict[str, int] = {}

    def visit(rule_id: str, path: list[str]) -> None:
        state[rule_id] = 1
        for required in by_id[rule_id].remediation.get("requires") or ():
            if required not in by_id or required == rule_id:
                continue
            if state.get(required) == 1:
                cycle = " -> ".join([*path[path.index(required):], required]) if required in path else required
                problems.append((by_id[rule_id], f"remediation.requires: a cycle ({cycle})"))
            elif not state.get(required):
                visit(required, [*path, required])
        state[rule_id] = 2

    for rule in rules:
        if not state.get(rule.id):
            visit(rule.id, [rule.id])
    return problems
