"""The JSON documents a remediation command reads (`<doc:NAME>` -> file://fixes/…/NAME-<resource>.json).

Each builder starts from the resource as scanned where the API replaces a whole configuration
(a backup plan, a DLM policy, a bucket's replication or lifecycle rules), so the fix adds what is
missing without dropping what is there; the result is pruned to the API's input shape (botocore's
service model), so a field only the Get call returns never makes the Update call fail.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from drcheck import arns
from drcheck.linkers.schedules import ScheduleError, dlm_interval_hours, max_interval_hours
from drcheck.report.fixes.job import FixJob, Missing
from drcheck.report.fixes.values import NEW_PLAN

DAILY = "cron(0 5 ? * * *)"
MIN_RETENTION_DAYS = 35
MIN_SNAPSHOTS = 7
COPY_RETENTION_DAYS = 14
NONCURRENT_DAYS = 30


@lru_cache(maxsize=16)
def _input_shape(service: str, operation: str, member: str) -> Any:
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    return model.operation_model(operation).input_shape.members[member]


def prune(value: Any, shape: Any) -> Any:
    """`value` with only the members `shape` (a botocore input shape) accepts."""
    if shape.type_name == "structure" and isinstance(value, Mapping):
        return {k: prune(v, shape.members[k]) for k, v in value.items() if k in shape.members and v is not None}
    if shape.type_name == "list" and isinstance(value, list):
        return [prune(v, shape.member) for v in value]
    if shape.type_name == "map" and isinstance(value, Mapping):
        return {k: prune(v, shape.value) for k, v in value.items()}
    return value


def _plan(job: FixJob) -> dict[str, Any] | Missing:
    plan = job.properties.get("BackupPlan")
    if not isinstance(plan, Mapping) or not plan.get("Rules"):
        return Missing("the scan could not read the backup plan's rules (GetBackupPlan)")
    return copy.deepcopy(dict(plan))


def _plan_input(plan: Mapping[str, Any]) -> dict[str, Any]:
    return prune(plan, _input_shape("backup", "UpdateBackupPlan", "BackupPlan"))


def _copies_away(rule: Mapping[str, Any], region: str) -> bool:
    return any(arns.region_of(c.get("DestinationBackupVaultArn")) != region for c in rule.get("CopyActions") or ())


def backup_plan_with_copy(job: FixJob) -> dict[str, Any] | Missing:
    plan = _plan(job)
    if isinstance(plan, Missing):
        return plan
    target = job.value("dr_vault_arn")
    for rule in plan["Rules"]:
        if not _copies_away(rule, job.region):
            keep = (rule.get("Lifecycle") or {}).get("DeleteAfterDays") or MIN_RETENTION_DAYS
            rule.setdefault("CopyActions", []).append({"DestinationBackupVaultArn": target,
                                                       "Lifecycle": {"DeleteAfterDays": keep}})
    return _plan_input(plan)


def backup_plan_cross_account(job: FixJob) -> dict[str, Any] | Missing:
    plan = _plan(job)
    if isinstance(plan, Missing):
        return plan
    for rule in plan["Rules"]:
        if not any(arns.account_of(c.get("DestinationBackupVaultArn")) != job.account
                   for c in rule.get("CopyActions") or ()):
            keep = (rule.get("Lifecycle") or {}).get("DeleteAfterDays") or MIN_RETENTION_DAYS
            rule.setdefault("CopyActions", []).append({"DestinationBackupVaultArn": "<backup_account_vault_arn>",
                                                       "Lifecycle": {"DeleteAfterDays": keep}})
    return _plan_input(plan)


def _gap_hours(expression: str) -> float | None:
    try:
        return max_interval_hours(expression)
    except ScheduleError:
        return None


def backup_plan_daily(job: FixJob) -> dict[str, Any] | Missing:
    plan = _plan(job)
    if isinstance(plan, Missing):
        return plan
    for rule in plan["Rules"]:
        gap = _gap_hours(str(rule.get("ScheduleExpression") or ""))
        if rule.get("ScheduleExpression") and (gap is None or gap > 24):
            job.add_note(f"Rule {rule.get('RuleName')}: {rule['ScheduleExpression']} becomes {DAILY} (daily, 05:00 UTC).")
            rule["ScheduleExpression"] = DAILY
    return _plan_input(plan)


def backup_plan_retention(job: FixJob) -> dict[str, Any] | Missing:
    plan = _plan(job)
    if isinstance(plan, Missing):
        return plan
    for rule in plan["Rules"]:
        lifecycle = rule.setdefault("Lifecycle", {})
        if lifecycle.get("DeleteAfterDays") is not None and lifecycle["DeleteAfterDays"] < MIN_RETENTION_DAYS:
            lifecycle["DeleteAfterDays"] = MIN_RETENTION_DAYS
    return _plan_input(plan)


def backup_plan_copy_retention(job: FixJob) -> dict[str, Any] | Missing:
    plan = _plan(job)
    if isinstance(plan, Missing):
        return plan
    for rule in plan["Rules"]:
        for action in rule.get("CopyActions") or ():
            lifecycle = action.setdefault("Lifecycle", {})
            if lifecycle.get("DeleteAfterDays") is not None and lifecycle["DeleteAfterDays"] < MIN_RETENTION_DAYS:
                lifecycle["DeleteAfterDays"] = MIN_RETENTION_DAYS
    return _plan_input(plan)


def backup_plan_new(job: FixJob) -> dict[str, Any]:
    rule = {"RuleName": "daily", "TargetBackupVaultName": job.value("vault_name"), "ScheduleExpression": DAILY,
            "StartWindowMinutes": 60, "CompletionWindowMinutes": 600,
            "Lifecycle": {"DeleteAfterDays": MIN_RETENTION_DAYS},
            "CopyActions": [{"DestinationBackupVaultArn": job.value("dr_vault_arn"),
                             "Lifecycle": {"DeleteAfterDays": MIN_RETENTION_DAYS}}]}
    job.add_note(f"The new plan {NEW_PLAN} backs up daily at 05:00 UTC, keeps {MIN_RETENTION_DAYS} days and copies "
                 "to the DR Region; select resources into it (the selection actions do).")
    return {"BackupPlanName": NEW_PLAN, "Rules": [rule]}


def _selection_name(job: FixJob, prefix: str) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(job.finding.get("resource_name") or job.finding["resource_id"]))
    return f"{prefix}{base}"[:50].rstrip("-")


def backup_selection_resource(job: FixJob) -> dict[str, Any] | Missing:
    arn = job.finding.get("resource_arn")
    if not arn:
        return Missing("the scan has no ARN for the resource")
    return {"SelectionName": _selection_name(job, "drcheck-"), "IamRoleArn": job.value("backup_role_arn"),
            "Resources": [arn]}


def backup_selection_by_tag(job: FixJob) -> dict[str, Any]:
    return {"SelectionName": "drcheck-tagged-daily", "IamRoleArn": job.value("backup_role_arn"),
            "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]}


def restore_testing_plan(job: FixJob) -> dict[str, Any]:
    return {"RestoreTestingPlanName": "drcheck_weekly", "ScheduleExpression": "cron(0 6 ? * MON *)",
            "StartWindowHours": 8,
            "RecoveryPointSelection": {"Algorithm": "LATEST_WITHIN_WINDOW", "IncludeVaults": ["*"],
                                       "RecoveryPointTypes": ["SNAPSHOT"], "SelectionWindowDays": 7}}


def restore_testing_selection(job: FixJob) -> dict[str, Any] | Missing:
    counts: dict[str, int] = {}
    for resource in job.context.of_type(job.account, job.region, "AWS::Backup::ProtectedResource"):
        kind = (resource.get("properties") or {}).get("ResourceType")
        if kind:
            counts[str(kind)] = counts.get(str(kind), 0) + 1
    if not counts:
        return Missing("the scan lists no protected resource in the Region to restore-test")
    kinds = sorted(counts, key=lambda k: (-counts[k], k))
    if len(kinds) > 1:
        job.add_note(f"The selection tests {kinds[0]} restores; add one selection per other type "
                     f"({', '.join(kinds[1:])}) the same way.")
    return {"RestoreTestingSelectionName": f"drcheck_{re.sub(r'[^A-Za-z0-9_]', '_', kinds[0]).lower()}",
            "ProtectedResourceType": kinds[0], "IamRoleArn": job.value("backup_role_arn"),
            "ProtectedResourceArns": ["*"]}


def vault_deny_delete_policy(job: FixJob) -> dict[str, Any]:
    arn = job.finding.get("resource_arn") or "*"
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyDeletingRecoveryPoints", "Effect": "Deny", "Principal": {"AWS": "*"},
        "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"], "Resource": arn}]}


def _dlm_details(job: FixJob) -> dict[str, Any] | Missing:
    details = (job.properties.get("Policy") or {}).get("PolicyDetails")
    if not isinstance(details, Mapping) or not details.get("Schedules"):
        return Missing("the scan could not read the DLM policy's schedules (GetLifecyclePolicy)")
    return copy.deepcopy(dict(details))


def _dlm_input(details: Mapping[str, Any]) -> dict[str, Any]:
    return prune(details, _input_shape("dlm", "UpdateLifecyclePolicy", "PolicyDetails"))


def dlm_policy_with_copy(job: FixJob) -> dict[str, Any] | Missing:
    details = _dlm_details(job)
    if isinstance(details, Missing):
        return details
    target = job.value("dr_region")
    for schedule in details["Schedules"]:
        rules = schedule.setdefault("CrossRegionCopyRules", [])
        if not any(r.get("TargetRegion") == target or r.get("Target") == target for r in rules):
            rules.append({"TargetRegion": target, "Encrypted": True,
                          "RetainRule": {"Interval": COPY_RETENTION_DAYS, "IntervalUnit": "DAYS"}})
    job.add_note(f"Copies are encrypted with the default EBS key in {target} and kept {COPY_RETENTION_DAYS} days.")
    return _dlm_input(details)


def dlm_policy_daily(job: FixJob) -> dict[str, Any] | Missing:
    details = _dlm_details(job)
    if isinstance(details, Missing):
        return details
    for schedule in details["Schedules"]:
        create = schedule.get("CreateRule") or {}
        try:
            gap = dlm_interval_hours(create)
        except (ScheduleError, TypeError, ValueError):
            gap = None
        if gap is None or gap > 24:
            schedule["CreateRule"] = {"Interval": 24, "IntervalUnit": "HOURS", "Times": ["03:00"]}
    return _dlm_input(details)


def dlm_policy_retention(job: FixJob) -> dict[str, Any] | Missing:
    details = _dlm_details(job)
    if isinstance(details, Missing):
        return details
    for schedule in details["Schedules"]:
        retain = schedule.setdefault("RetainRule", {})
        if "Count" in retain or not retain:
            retain["Count"] = max(int(retain.get("Count") or 0), MIN_SNAPSHOTS)
        elif retain.get("IntervalUnit") == "DAYS" and int(retain.get("Interval") or 0) < MIN_SNAPSHOTS:
            retain["Interval"] = MIN_SNAPSHOTS
    return _dlm_input(details)


def _replication(job: FixJob) -> dict[str, Any]:
    config = job.properties.get("ReplicationConfiguration")
    config = copy.deepcopy(dict(config)) if isinstance(config, Mapping) else {}
    rules = []
    for rule in config.get("Rules") or ():
        rule = dict(rule)
        if "Prefix" in rule:  # the first schema's rules: rewrite as filter rules, which RTC and priorities need
            rule["Filter"] = {"Prefix": rule.pop("Prefix") or ""}
            rule.setdefault("DeleteMarkerReplication", {"Status": "Disabled"})
        rules.append(rule)
    for priority, rule in enumerate(rules, start=1):
        rule.setdefault("Priority", priority)
    config["Rules"] = rules
    return config


def _replication_input(config: Mapping[str, Any]) -> dict[str, Any]:
    return prune(config, _input_shape("s3", "PutBucketReplication", "ReplicationConfiguration"))


def s3_replication(job: FixJob) -> dict[str, Any]:
    config = _replication(job)
    replica = f"arn:{job.partition}:s3:::{job.value('replica_bucket')}"
    config["Role"] = job.value("replication_role_arn")
    top = max((int(r.get("Priority") or 0) for r in config["Rules"]), default=0)
    config["Rules"].append({"ID": "drcheck-dr", "Priority": top + 1, "Status": "Enabled", "Filter": {},
                            "DeleteMarkerReplication": {"Status": "Disabled"},
                            "Destination": {"Bucket": replica}})
    if len(config["Rules"]) > 1:
        job.add_note("The bucket's existing replication rules are kept; the new rule is added after them.")
    return _replication_input(config)


def s3_replication_rtc(job: FixJob) -> dict[str, Any] | Missing:
    config = _replication(job)
    if not config["Rules"] or not config.get("Role"):
        return Missing("the scan holds no replication configuration for the bucket")
    for rule in config["Rules"]:
        destination = rule.setdefault("Destination", {})
        destination["ReplicationTime"] = {"Status": "Enabled", "Time": {"Minutes": 15}}
        destination["Metrics"] = {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}
    return _replication_input(config)


def s3_replication_trust(job: FixJob) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                                                    "Action": "sts:AssumeRole"}]}


def s3_replication_permissions(job: FixJob) -> dict[str, Any]:
    from drcheck.report.fixes.values import replication_permissions

    return replication_permissions(job, job.value("replica_bucket"))


def s3_lifecycle_noncurrent(job: FixJob) -> dict[str, Any]:
    config = job.properties.get("BucketLifecycleConfiguration")
    rules = [dict(r) for r in (config or {}).get("Rules") or ()] if isinstance(config, Mapping) else []
    changed = False
    for rule in rules:
        expiry = rule.get("NoncurrentVersionExpiration")
        if isinstance(expiry, Mapping) and int(expiry.get("NoncurrentDays") or 0) < NONCURRENT_DAYS:
            rule["NoncurrentVersionExpiration"] = {**expiry, "NoncurrentDays": NONCURRENT_DAYS}
            changed = True
    if not changed:
        rules.append({"ID": "drcheck-noncurrent", "Status": "Enabled", "Filter": {},
                      "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_DAYS}})
    return prune({"Rules": rules}, _input_shape("s3", "PutBucketLifecycleConfiguration", "LifecycleConfiguration"))


def route53_ttl_60(job: FixJob) -> dict[str, Any] | Missing:
    record = {k: v for k, v in job.properties.items() if k not in ("HostedZoneId",)}
    if not record.get("Name") or not record.get("Type"):
        return Missing("the scan has no record set to rewrite")
    record["TTL"] = 60
    shape = _input_shape("route53", "ChangeResourceRecordSets", "ChangeBatch")
    return prune({"Comment": "drcheck: TTL 60 so failover takes effect within a minute",
                  "Changes": [{"Action": "UPSERT", "ResourceRecordSet": record}]}, shape)


def ecr_replication(job: FixJob) -> dict[str, Any]:
    registries = job.context.of_type(job.account, job.region, "AWS::ECR::Registry")
    current = ((registries[0].get("properties") or {}).get("replicationConfiguration") if registries else None) or {}
    rules = [dict(r) for r in current.get("rules") or () if isinstance(r, Mapping)]
    target = job.value("dr_region")
    rules.append({"destinations": [{"region": target, "registryId": job.account}]})
    if len(rules) > 1:
        job.add_note("The registry's existing replication rules are kept; one copying every repository is added.")
    return prune({"rules": rules}, _input_shape("ecr", "PutReplicationConfiguration", "replicationConfiguration"))


def ecs_network_multi_az(job: FixJob) -> dict[str, Any] | Missing:
    current = ((job.properties.get("networkConfiguration") or {}).get("awsvpcConfiguration")) or {}
    if not current:
        return Missing("the service has no awsvpc network configuration (EC2 launch type: spread its tasks with a "
                       "placement strategy instead)")
    subnets = job.text("subnets_multi_az")
    if subnets is None:
        return Missing("no subnet in another zone of the service's VPC was found")
    return prune({"awsvpcConfiguration": {**current, "subnets": subnets.split(",")}},
                 _input_shape("ecs", "UpdateService", "networkConfiguration"))


def lambda_vpc_multi_az(job: FixJob) -> dict[str, Any] | Missing:
    current = job.properties.get("VpcConfig") or {}
    subnets = job.text("subnets_multi_az")
    if subnets is None:
        return Missing("no subnet in another zone of the function's VPC was found")
    return {"SubnetIds": subnets.split(","), "SecurityGroupIds": list(current.get("SecurityGroupIds") or ())}


def sqs_dlq_attributes(job: FixJob) -> dict[str, str]:
    attributes = {"MessageRetentionPeriod": "1209600"}
    if str(job.value("dlq_name")).endswith(".fifo"):
        attributes["FifoQueue"] = "true"
    return attributes


def sqs_redrive(job: FixJob) -> dict[str, str]:
    import json

    arn = f"arn:{job.partition}:sqs:{job.region}:{job.account}:{job.value('dlq_name')}"
    return {"RedrivePolicy": json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": "5"})}


DOCUMENT_BUILDERS: dict[str, Callable[[FixJob], Any]] = {
    "backup-plan-with-copy": backup_plan_with_copy,
    "backup-plan-cross-account": backup_plan_cross_account,
    "backup-plan-daily": backup_plan_daily,
    "backup-plan-retention": backup_plan_retention,
    "backup-plan-copy-retention": backup_plan_copy_retention,
    "backup-plan-new": backup_plan_new,
    "backup-selection-resource": backup_selection_resource,
    "backup-selection-by-tag": backup_selection_by_tag,
    "restore-testing-plan": restore_testing_plan,
    "restore-testing-selection": restore_testing_selection,
    "vault-deny-delete-policy": vault_deny_delete_policy,
    "dlm-policy-with-copy": dlm_policy_with_copy,
    "dlm-policy-daily": dlm_policy_daily,
    "dlm-policy-retention": dlm_policy_retention,
    "s3-replication": s3_replication,
    "s3-replication-rtc": s3_replication_rtc,
    "s3-replication-trust": s3_replication_trust,
    "s3-replication-permissions": s3_replication_permissions,
    "s3-lifecycle-noncurrent": s3_lifecycle_noncurrent,
    "route53-ttl-60": route53_ttl_60,
    "ecr-replication": ecr_replication,
    "ecs-network-multi-az": ecs_network_multi_az,
    "lambda-vpc-multi-az": lambda_vpc_multi_az,
    "sqs-dlq-attributes": sqs_dlq_attributes,
    "sqs-redrive": sqs_redrive,
}
