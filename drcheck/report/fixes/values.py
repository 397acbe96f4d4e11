"""The values a remediation template may name (drcheck.ruleset.remediation.VALUES), worked out from
the scan for one failing resource.

Each builder takes the FixJob and answers the value (plain text, shell-quoted when inserted), a
Raw shell expression drcheck built itself, or Missing(reason). A value whose use needs something
to exist first (the DR Region's vault, the replica bucket, the replication role) adds the setup
commands that create it, idempotently, so the fix runs in order on a fresh account.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from typing import Any

from drcheck import arns
from drcheck.report.fixes.context import slug
from drcheck.report.fixes.job import FixJob, Missing, Raw

NEW_DR_VAULT = "drcheck-dr"
NEW_VAULT = "drcheck-main"
NEW_PLAN = "drcheck-daily"
REPLICATION_ROLE = "drcheck-s3-replication"
BACKUP_ROLE = "AWSBackupDefaultServiceRole"


def q(value: Any) -> str:
    return shlex.quote(str(value))


def dr_region(job: FixJob) -> str:
    region, why = job.context.dr_region(job.account, job.region)
    job.add_note(f"Copies go to {why}.")
    return region


def _vaults(job: FixJob, region: str) -> list[Mapping[str, Any]]:
    return [r["properties"] for r in job.context.of_type(job.account, region, "AWS::Backup::BackupVault")
            if isinstance(r.get("properties"), Mapping) and r["properties"].get("BackupVaultName")]


def _pick_vault(vaults: list[Mapping[str, Any]], prefer_dr: bool) -> Mapping[str, Any]:
    def key(v: Mapping[str, Any]) -> tuple:
        name = str(v["BackupVaultName"]).lower()
        return (not bool(v.get("Locked")) if prefer_dr else False, "dr" not in name if prefer_dr else "archive" in name,
                name)
    return sorted(vaults, key=key)[0]


def _ensure_vault(job: FixJob, name: str, region: str) -> None:
    job.add_setup(f"aws backup describe-backup-vault --backup-vault-name {q(name)} --region {q(region)} >/dev/null "
                  f"2>&1 || aws backup create-backup-vault --backup-vault-name {q(name)} --region {q(region)}")


def dr_vault_name(job: FixJob) -> str:
    region = job.value("dr_region")
    vaults = _vaults(job, region)
    if vaults:
        return str(_pick_vault(vaults, prefer_dr=True)["BackupVaultName"])
    _ensure_vault(job, NEW_DR_VAULT, region)
    job.add_note(f"The scan found no backup vault in {region}: the fix creates {NEW_DR_VAULT} there first.")
    return NEW_DR_VAULT


def dr_vault_arn(job: FixJob) -> str:
    region = job.value("dr_region")
    name = job.value("dr_vault_name")
    found = next((v for v in _vaults(job, region) if v["BackupVaultName"] == name), None)
    if found and found.get("BackupVaultArn"):
        return str(found["BackupVaultArn"])
    return f"arn:{job.partition}:backup:{region}:{job.account}:backup-vault:{name}"


def vault_name(job: FixJob) -> str:
    vaults = _vaults(job, job.region)
    used = [rule.get("TargetBackupVaultName") for plan in _plans(job) for rule in _plan_rules(plan)]
    for name in used:
        if any(v["BackupVaultName"] == name for v in vaults):
            return str(name)
    if vaults:
        return str(_pick_vault(vaults, prefer_dr=False)["BackupVaultName"])
    _ensure_vault(job, NEW_VAULT, job.region)
    job.add_note(f"The scan found no backup vault in {job.region}: the fix creates {NEW_VAULT} first.")
    return NEW_VAULT


def backup_role_arn(job: FixJob) -> str:
    roles: dict[str, int] = {}
    for (account, _, resource_type), items in job.context.by_scope.items():
        if account == job.account and resource_type == "AWS::Backup::BackupSelection":
            for item in items:
                role = (item.get("properties") or {}).get("IamRoleArn")
                if role:
                    roles[str(role)] = roles.get(str(role), 0) + 1
    if roles:
        return max(sorted(roles), key=lambda r: roles[r])
    trust = job.add_document("backup-role-trust", _trust("backup"))
    job.add_setup(f"aws iam get-role --role-name {BACKUP_ROLE} >/dev/null 2>&1 || {{ aws iam create-role --path "
                  f"/service-role/ --role-name {BACKUP_ROLE} --assume-role-policy-document {trust} && aws iam "
                  f"attach-role-policy --role-name {BACKUP_ROLE} --policy-arn "
                  f"arn:{job.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup; }}")
    job.add_note(f"No backup selection in the scan names a role: the fix uses (and creates when missing) {BACKUP_ROLE}, "
                 "the role AWS Backup's console creates.")
    return f"arn:{job.partition}:iam::{job.account}:role/service-role/{BACKUP_ROLE}"


def _trust(service: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": f"{service}.amazonaws.com"},
                                                    "Action": "sts:AssumeRole"}]}


def _plans(job: FixJob, region: str | None = None) -> list[Mapping[str, Any]]:
    return [r["properties"] for r in job.context.of_type(job.account, region or job.region, "AWS::Backup::BackupPlan")
            if isinstance(r.get("properties"), Mapping)]


def _plan_rules(plan: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    document = plan.get("BackupPlan")
    if not isinstance(document, Mapping):
        return []
    return [r for r in document.get("Rules") or () if isinstance(r, Mapping)]


def backup_plan_id(job: FixJob) -> str | Raw:
    plans = [p for p in _plans(job) if p.get("BackupPlanId")]
    if plans:
        def copies_away(plan: Mapping[str, Any]) -> bool:
            return any(arns.region_of(c.get("DestinationBackupVaultArn")) != job.region
                       for rule in _plan_rules(plan) for c in rule.get("CopyActions") or ())
        chosen = sorted(plans, key=lambda p: (not copies_away(p), str(p.get("BackupPlanName"))))[0]
        job.add_note(f"Selected into the backup plan {chosen.get('BackupPlanName') or chosen['BackupPlanId']}.")
        return str(chosen["BackupPlanId"])
    job.add_note(f"{job.region} has no backup plan yet: the selection goes into {NEW_PLAN}, which the fix "
                 "“Regions with protectable resources have an AWS Backup plan” creates first.")
    return Raw(f"\"$(aws backup list-backup-plans --region {q(job.region)} --query "
               f"\"BackupPlansList[?BackupPlanName=='{NEW_PLAN}'].BackupPlanId | [0]\" --output text)\"",
               terraform="${aws_backup_plan.drcheck_daily.id}")


def dlm_role_arn(job: FixJob) -> str:
    for resource in job.context.of_type(job.account, job.region, "AWS::DLM::LifecyclePolicy"):
        role = ((resource.get("properties") or {}).get("Policy") or {}).get("ExecutionRoleArn")
        if role:
            return str(role)
    job.add_setup(f"aws dlm create-default-role --resource-type snapshot --region {q(job.region)}")
    return f"arn:{job.partition}:iam::{job.account}:role/AWSDataLifecycleManagerDefaultRole"


def tf_name(job: FixJob) -> str:
    name = str(job.finding.get("resource_name") or "")
    # A plain name reads best; anything else (spaces, markup, an attacker's text) falls back to the id.
    source = name if re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", name) else str(job.finding["resource_id"])
    label = re.sub(r"[^a-z0-9]+", "_", source.lower())
    label = label.strip("_")[:40].rstrip("_") or "resource"
    return label if label[0].isalpha() else f"r_{label}"


# -- subnets and zones ---------------------------------------------------------------------------


def _current_subnets(props: Mapping[str, Any]) -> list[str] | None:
    if isinstance(props.get("VPCZoneIdentifier"), str):
        return [s for s in props["VPCZoneIdentifier"].split(",") if s]
    if isinstance(props.get("AvailabilityZones"), list) and props["AvailabilityZones"] and \
            isinstance(props["AvailabilityZones"][0], Mapping):
        return [z["SubnetId"] for z in props["AvailabilityZones"] if z.get("SubnetId")]
    for path in (("VpcConfig", "SubnetIds"), ("SubnetIds",), ("subnets",), ("Subnets",), ("nodegroup", "subnets"),
                 ("networkConfiguration", "awsvpcConfiguration", "subnets")):
        found: Any = props
        for step in path:
            found = found.get(step) if isinstance(found, Mapping) else None
        if isinstance(found, list) and all(isinstance(s, str) for s in found):
            return list(found)
    if isinstance(props.get("IpAddresses"), list):
        return [a["SubnetId"] for a in props["IpAddresses"] if isinstance(a, Mapping) and a.get("SubnetId")]
    return None


def _added_subnets(job: FixJob) -> list[str] | Missing:
    current = _current_subnets(job.properties)
    if current is None:
        return Missing("the scan does not say which subnets the resource uses")
    subnets = {s["SubnetId"]: s for s in job.context.subnets(job.account, job.region) if s.get("SubnetId")}
    known = [subnets[s] for s in current if s in subnets]
    if not known:
        return Missing("the scan holds none of the resource's subnets, so their VPC and zones are unknown")
    vpc = known[0].get("VpcId")
    used = {s.get("AvailabilityZone") for s in known}
    candidates: dict[str, Mapping[str, Any]] = {}
    for subnet in sorted(subnets.values(), key=lambda s: (-(s.get("AvailableIpAddressCount") or 0), s["SubnetId"])):
        zone = subnet.get("AvailabilityZone")
        if isinstance(zone, str) and subnet.get("VpcId") == vpc and zone not in used and zone not in candidates:
            candidates[zone] = subnet
    if not candidates:
        return Missing(f"{vpc} has no subnet in another Availability Zone: create one first "
                       f"(aws ec2 create-subnet --vpc-id {vpc} --availability-zone …)")
    added = [candidates[z]["SubnetId"] for z in sorted(candidates)]
    job.add_note("Adds " + ", ".join(f"{s} ({candidates[z]['AvailabilityZone']})" for z, s in
                                      zip(sorted(candidates), added, strict=True))
                 + f" from {vpc}: check they route like the current subnets.")
    return added


def subnets_multi_az(job: FixJob) -> str | Missing:
    added = _added_subnets(job)
    if isinstance(added, Missing):
        return added
    return ",".join([*(_current_subnets(job.properties) or []), *added])


def subnet_args_multi_az(job: FixJob) -> Raw | Missing:
    added = _added_subnets(job)
    if isinstance(added, Missing):
        return added
    return Raw(" ".join(q(s) for s in [*(_current_subnets(job.properties) or []), *added]))


def subnet_args_other_zones(job: FixJob) -> Raw | Missing:
    added = _added_subnets(job)
    return added if isinstance(added, Missing) else Raw(" ".join(q(s) for s in added))


def subnet_other_zone(job: FixJob) -> str | Missing:
    added = _added_subnets(job)
    return added if isinstance(added, Missing) else added[0]


def zone_args(job: FixJob) -> Raw | Missing:
    zones = job.context.zones(job.account, job.region)
    if len(zones) < 2:
        return Missing("the scan found fewer than two Availability Zones with subnets in the Region")
    return Raw(" ".join(q(z) for z in zones[:3]))


def _cluster_members(job: FixJob) -> list[Mapping[str, Any]]:
    ids = {m.get("DBInstanceIdentifier") for m in job.properties.get("DBClusterMembers") or () if isinstance(m, Mapping)}
    return [r["properties"] for r in job.context.of_type(job.account, job.region, "AWS::RDS::DBInstance")
            if isinstance(r.get("properties"), Mapping) and r["properties"].get("DBInstanceIdentifier") in ids]


def unused_zone(job: FixJob) -> str | Missing:
    used = {m.get("AvailabilityZone") for m in _cluster_members(job)}
    props = job.properties
    used |= {n.get("PreferredAvailabilityZone") for g in props.get("NodeGroups") or () if isinstance(g, Mapping)
             for n in g.get("NodeGroupMembers") or () if isinstance(n, Mapping)}
    if isinstance(props.get("AvailabilityZone"), str):
        used.add(props["AvailabilityZone"])
    zones = [z for z in props.get("AvailabilityZones") or () if isinstance(z, str)] or \
        job.context.zones(job.account, job.region)
    free = [z for z in zones if z not in used]
    if not free:
        return Missing("the scan shows no Availability Zone the resource does not use already")
    return free[0]


def writer_instance_class(job: FixJob) -> str | Missing:
    writers = {m.get("DBInstanceIdentifier") for m in job.properties.get("DBClusterMembers") or ()
               if isinstance(m, Mapping) and m.get("IsClusterWriter")}
    members = _cluster_members(job)
    chosen = next((m for m in members if m.get("DBInstanceIdentifier") in writers), members[0] if members else None)
    if not chosen or not chosen.get("DBInstanceClass"):
        return Missing("the scan holds no instance of the cluster to copy the instance class from")
    return str(chosen["DBInstanceClass"])


def opt_in_preferences(job: FixJob) -> str | Missing:
    preferences = job.properties.get("ResourceTypeOptInPreference")
    if not isinstance(preferences, Mapping):
        return Missing("the scan could not read the Region's opt-in preferences")
    off = sorted(k for k, v in preferences.items() if v is False and re.fullmatch(r"[A-Za-z0-9 ]+", str(k)))
    if not off:
        return Missing("no resource type is opted out")
    job.add_note("Opts in every type that is off (" + ", ".join(off) + "); keep off any type you back up another way.")
    return ",".join(f"{k}=true" for k in off)


def add_cache_replica(job: FixJob) -> Raw:
    """A whole command (on a line of its own), or nothing when the group already has a replica."""
    groups = [g for g in job.properties.get("NodeGroups") or () if isinstance(g, Mapping)]
    if groups and all(len(g.get("NodeGroupMembers") or ()) >= 2 for g in groups):
        return Raw("")
    job.add_note("The group has no replica yet: the fix adds one first (failover needs a node to promote).")
    return Raw(f"aws elasticache increase-replica-count --replication-group-id {q(job.finding['resource_id'])} "
               f"--new-replica-count 1 --apply-immediately --region {q(job.region)}")


def global_datastore_id(job: FixJob) -> Raw | Missing:
    """Looked up when the command runs: AWS puts a prefix of its choosing before the suffix."""
    group = str(job.finding["resource_id"])
    if not re.fullmatch(r"[A-Za-z0-9-]+", group):
        return Missing("the replication group's id has characters drcheck will not put in a query")
    return Raw(f"\"$(aws elasticache describe-global-replication-groups --show-member-info --region {q(job.region)} "
               f"--query \"GlobalReplicationGroups[?Members[?ReplicationGroupId=='{group}']] | "
               "[0].GlobalReplicationGroupId\" --output text)\"")


def _dlq(job: FixJob) -> tuple[str, str] | None:
    import json

    policy = (job.properties.get("Attributes") or {}).get("RedrivePolicy")
    try:
        arn = json.loads(policy).get("deadLetterTargetArn") if isinstance(policy, str) else None
    except ValueError:
        arn = None
    parsed = arns.parse(arn)
    return (parsed.region, parsed.resource) if parsed and parsed.region and parsed.service == "sqs" else None


def dlq_name(job: FixJob) -> str:
    name = str(job.finding["resource_id"]).rstrip("/").rsplit("/", 1)[-1]
    if name.endswith(".fifo"):
        return f"{name[:-5][:70]}-dlq.fifo"
    return f"{name[:76]}-dlq"


def dlq_url(job: FixJob) -> str | Missing:
    found = _dlq(job)
    if found is None:
        return Missing("the scan could not read the queue's dead-letter queue from its RedrivePolicy")
    region, name = found
    return f"https://sqs.{region}.amazonaws.com/{job.account}/{name}"


# -- S3 replication ------------------------------------------------------------------------------


def replica_bucket(job: FixJob) -> str:
    region = job.value("dr_region")
    name = str(job.finding["resource_id"])
    replica = f"{name}-{region}"
    if len(replica) > 63:
        replica = f"{name[:63 - len(region) - 10].rstrip('.-')}-{slug(name)[-8:]}-{region}"
    location = "" if region == "us-east-1" else f" --create-bucket-configuration LocationConstraint={q(region)}"
    job.add_setup(f"aws s3api head-bucket --bucket {q(replica)} >/dev/null 2>&1 || aws s3api create-bucket "
                  f"--bucket {q(replica)} --region {q(region)}{location}")
    job.add_setup(f"aws s3api put-bucket-versioning --bucket {q(replica)} --versioning-configuration Status=Enabled "
                  f"--region {q(region)}")
    job.add_setup(f"aws s3api put-public-access-block --bucket {q(replica)} --public-access-block-configuration "
                  "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true "
                  f"--region {q(region)}")
    job.add_note(f"The replica bucket is {replica} in {region}, created (versioned, not public) when missing.")
    return replica


def _existing_replication(job: FixJob) -> Mapping[str, Any]:
    config = job.properties.get("ReplicationConfiguration")
    return config if isinstance(config, Mapping) else {}


def replication_role_name(job: FixJob) -> str:
    role = str(_existing_replication(job).get("Role") or "")
    return role.rsplit("/", 1)[-1] if role else REPLICATION_ROLE


def replication_role_arn(job: FixJob) -> str:
    existing = str(_existing_replication(job).get("Role") or "")
    name = job.value("replication_role_name")
    replica = job.value("replica_bucket")
    if not existing:
        trust = job.add_document("s3-replication-trust", _trust("s3"))
        job.add_setup(f"aws iam get-role --role-name {q(name)} >/dev/null 2>&1 || aws iam create-role --role-name "
                      f"{q(name)} --assume-role-policy-document {trust}")
    permissions = job.add_document("s3-replication-permissions", replication_permissions(job, replica))
    job.add_setup(f"aws iam put-role-policy --role-name {q(name)} --policy-name "
                  f"{q('drcheck-replication-' + slug(job.finding['resource_id']))} --policy-document {permissions}")
    return existing or f"arn:{job.partition}:iam::{job.account}:role/{name}"


def replication_permissions(job: FixJob, replica: str) -> dict[str, Any]:
    source = f"arn:{job.partition}:s3:::{job.finding['resource_id']}"
    target = f"arn:{job.partition}:s3:::{replica}"
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": [source]},
        {"Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
                                       "s3:GetObjectVersionTagging"], "Resource": [f"{source}/*"]},
        {"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
         "Resource": [f"{target}/*"]},
    ]}


VALUE_BUILDERS: dict[str, Callable[[FixJob], Any]] = {
    "dr_region": dr_region,
    "dr_vault_name": dr_vault_name,
    "dr_vault_arn": dr_vault_arn,
    "vault_name": vault_name,
    "backup_role_arn": backup_role_arn,
    "backup_plan_id": backup_plan_id,
    "dlm_role_arn": dlm_role_arn,
    "tf_name": tf_name,
    "subnets_multi_az": subnets_multi_az,
    "subnet_args_multi_az": subnet_args_multi_az,
    "subnet_args_other_zones": subnet_args_other_zones,
    "unused_zone": unused_zone,
    "subnet_other_zone": subnet_other_zone,
    "zone_args": zone_args,
    "opt_in_preferences": opt_in_preferences,
    "add_cache_replica": add_cache_replica,
    "dlq_name": dlq_name,
    "global_datastore_id": global_datastore_id,
    "dlq_url": dlq_url,
    "writer_instance_class": writer_instance_class,
    "replica_bucket": replica_bucket,
    "replication_role_arn": replication_role_arn,
    "replication_role_name": replication_role_name,
}
