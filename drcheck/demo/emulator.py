"""Small emulations of the AWS APIs moto lacks, so the demo account can show them.

moto emulates most of what drcheck reads, but not AWS Backup selections, Data Lifecycle Manager,
or the replicas of DynamoDB (2019.11.21) global tables. The demo answers those itself through
botocore's public event hooks on the demo's own boto3 Session: `before-parameter-build` notes the
call's parameters, and `before-call` returns a parsed response instead of sending a request,
exactly where botocore's Stubber and moto hook in; `after-call` adds the global-table replicas
moto leaves out of DescribeTable. Nothing outside the demo's session is touched, and the scan
runs its normal code.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from botocore.awsrequest import AWSResponse

_PARAMS_KEY = "drcheck_emulated_params"


class MissingApiEmulator:
    """In-memory Backup selections and DLM policies, per Region, for one demo session."""

    def __init__(self) -> None:
        self.selections: dict[str, list[dict]] = defaultdict(list)  # plan id -> selections
        self.policies: dict[str, dict[str, dict]] = defaultdict(dict)  # region -> policy id -> policy
        self.global_tables: dict[str, list[str]] = {}  # table name -> Regions holding a replica
        self.protected: dict[str, list[dict]] = defaultdict(list)  # region -> ListProtectedResources entries
        self.vault_policies: dict[tuple[str, str], str] = {}  # (region, vault name) -> policy JSON

    def add_recovery_point(self, region: str, arn: str, resource_type: str, backed_up_at: datetime) -> None:
        """AWS Backup has a recovery point for this resource (ListProtectedResources shows it)."""
        self.protected[region].append({"ResourceArn": arn, "ResourceType": resource_type,
                                       "LastBackupTime": backed_up_at, "ResourceName": arn.rsplit("/", 1)[-1]})

    def set_vault_policy(self, region: str, vault: str, policy: str) -> None:
        self.vault_policies[(region, vault)] = policy

    def add_global_table(self, table_name: str, regions: list[str]) -> None:
        """Declare a global table: DescribeTable in each Region then lists the other Regions' replicas.

        moto accepts UpdateTable(ReplicaUpdates=...) but keeps no replicas, so the demo creates the
        table in each Region itself and declares the group here.
        """
        self.global_tables[table_name] = list(regions)

    def install(self, session: Any) -> None:
        events = session.events
        handlers = {
            "backup.CreateBackupSelection": self._create_selection,
            "backup.ListBackupSelections": self._list_selections,
            "backup.GetBackupSelection": self._get_selection,
            "dlm.CreateLifecyclePolicy": self._create_policy,
            "dlm.GetLifecyclePolicies": self._list_policies,
            "dlm.GetLifecyclePolicy": self._get_policy,
            "backup.DescribeRegionSettings": self._region_settings,
            "backup.ListProtectedResources": self._protected_resources,
            "backup.GetBackupVaultAccessPolicy": self._vault_policy,
            # Services the demo company does not use: a real account answers with an empty list.
            "drs.DescribeSourceServers": lambda params, region: {"items": []},
            "ssm-incidents.ListReplicationSets": lambda params, region: {"replicationSetArns": []},
            "dms.DescribeReplicationConfigs": lambda params, region: {"ReplicationConfigs": []},
            "elasticache.DescribeServerlessCaches": lambda params, region: {"ServerlessCaches": []},
            # Nothing failed and no restore was tested: real answers, which the rules judge.
            "backup.ListBackupJobs": lambda params, region: {"BackupJobs": []},
            "backup.ListRestoreTestingPlans": lambda params, region: {"RestoreTestingPlans": []},
            "backup.ListRestoreJobs": lambda params, region: {"RestoreJobs": []},
            "efs.DescribeReplicationConfigurations": lambda params, region: _error(
                "ReplicationNotFound", "no replication configuration"),
        }
        for name, answer in handlers.items():
            events.register(f"before-parameter-build.{name}", _remember_params)
            events.register(f"before-call.{name}", _responder(answer))
        events.register("after-call.dynamodb.DescribeTable", self._add_replicas)
        events.register("after-call.rds.DescribeDBInstanceAutomatedBackups", _complete_automated_backups)

    # -- DynamoDB global-table replicas -----------------------------------------------------------

    def _add_replicas(self, parsed: dict, context: dict, **_: Any) -> None:
        table = (parsed or {}).get("Table")
        regions = self.global_tables.get(table.get("TableName", "")) if table else None
        if not table or not regions:
            return
        here = context.get("client_region") or "us-east-1"
        table["GlobalTableVersion"] = "2019.11.21"
        table["Replicas"] = [{"RegionName": r, "ReplicaStatus": "ACTIVE"} for r in regions if r != here]

    # -- AWS Backup selections -------------------------------------------------------------------

    def _create_selection(self, params: dict, region: str) -> dict:
        selection_id = str(uuid.uuid4())
        plan_id = params["BackupPlanId"]
        body = dict(params["BackupSelection"])
        self.selections[plan_id].append({
            "SelectionId": selection_id,
            "SelectionName": body["SelectionName"],
            "BackupPlanId": plan_id,
            "CreationDate": datetime.now(UTC),
            "IamRoleArn": body["IamRoleArn"],
            "Body": body,
        })
        return {"SelectionId": selection_id, "BackupPlanId": plan_id, "CreationDate": datetime.now(UTC)}

    def _list_selections(self, params: dict, region: str) -> dict:
        return {"BackupSelectionsList": [
            {k: v for k, v in s.items() if k != "Body"} for s in self.selections.get(params["BackupPlanId"], [])
        ]}

    def _get_selection(self, params: dict, region: str) -> dict:
        for selection in self.selections.get(params["BackupPlanId"], []):
            if selection["SelectionId"] == params["SelectionId"]:
                return {"BackupSelection": selection["Body"], "SelectionId": selection["SelectionId"],
                        "BackupPlanId": params["BackupPlanId"], "CreationDate": selection["CreationDate"]}
        return _error("ResourceNotFoundException", "selection not found")

    # -- Data Lifecycle Manager ------------------------------------------------------------------

    def _create_policy(self, params: dict, region: str) -> dict:
        policy_id = f"policy-{uuid.uuid4().hex[:17]}"
        self.policies[region][policy_id] = {
            "PolicyId": policy_id,
            "Description": params["Description"],
            "State": params["State"],
            "ExecutionRoleArn": params["ExecutionRoleArn"],
            "PolicyDetails": params["PolicyDetails"],
            "Tags": params.get("Tags", {}),
            "DateCreated": datetime.now(UTC),
            "DateModified": datetime.now(UTC),
        }
        return {"PolicyId": policy_id}

    def _list_policies(self, params: dict, region: str) -> dict:
        return {"Policies": [
            {"PolicyId": p["PolicyId"], "Description": p["Description"], "State": p["State"], "Tags": p["Tags"],
             "PolicyType": p["PolicyDetails"].get("PolicyType", "EBS_SNAPSHOT_MANAGEMENT")}
            for p in self.policies.get(region, {}).values()
        ]}

    def _region_settings(self, params: dict, region: str) -> dict:
        return _region_settings_answer()

    def _protected_resources(self, params: dict, region: str) -> dict:
        return {"Results": list(self.protected.get(region, []))}

    def _vault_policy(self, params: dict, region: str) -> dict:
        name = params["BackupVaultName"]
        policy = self.vault_policies.get((region, name))
        if policy is None:
            return _error("ResourceNotFoundException", f"no access policy on {name}")
        return {"BackupVaultName": name, "BackupVaultArn": f"arn:aws:backup:{region}:123456789012:backup-vault:{name}",
                "Policy": policy}

    def _get_policy(self, params: dict, region: str) -> dict:
        policy = self.policies.get(region, {}).get(params["PolicyId"])
        if policy is None:
            return _error("ResourceNotFoundException", "policy not found")
        return {"Policy": policy}


# -- AWS Backup account settings, recovery points and vault policies ----------------------------

OPT_IN_TYPES = ("Aurora", "CloudFormation", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "Neptune",
                "RDS", "Redshift", "S3", "Storage Gateway", "VirtualMachine")


def _region_settings_answer() -> dict:
    return {"ResourceTypeOptInPreference": {t: True for t in OPT_IN_TYPES},
            "ResourceTypeManagementPreference": {"DynamoDB": True, "EFS": True}}


def _complete_automated_backups(parsed: dict, context: dict, **_: Any) -> None:
    """moto answers DescribeDBInstanceAutomatedBackups with the identifier and status only; AWS
    always names the source instance's ARN and Region, which tell a Region's own backups from
    replicated ones. moto keeps no replicated backups, so every one it lists is the Region's own."""
    region = context.get("client_region") or "us-east-1"
    for backup in (parsed or {}).get("DBInstanceAutomatedBackups") or []:
        name = backup.get("DBInstanceIdentifier")
        if name and "Region" not in backup:
            backup["Region"] = region
            backup.setdefault("DBInstanceArn", f"arn:aws:rds:{region}:123456789012:db:{name}")


def _remember_params(params: dict, context: dict, **_: Any) -> None:
    context[_PARAMS_KEY] = dict(params)


def _responder(answer):
    def respond(context: dict, **_: Any):
        parsed = answer(context.get(_PARAMS_KEY, {}), context.get("client_region") or "us-east-1")
        status = 400 if "Error" in parsed else 200
        parsed.setdefault("ResponseMetadata", {"HTTPStatusCode": status, "RequestId": "emulated"})
        return AWSResponse("https://emulated.drcheck.invalid/", status, {}, None), parsed

    return respond


def _error(code: str, message: str) -> dict:
    return {"Error": {"Code": code, "Message": message}}
