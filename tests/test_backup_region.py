"""AWS Backup collectors (moto where it can, Stubber elsewhere) and the plan, Region, job,
recovery-point and vault linkers."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from drcheck.evaluate import evaluate
from drcheck.link import link
from drcheck.linkers.backup_plans import LINKERS as PLAN_LINKERS
from drcheck.linkers.backup_region import LINKERS as REGION_LINKERS
from drcheck.linkers.backup_vaults import LINKERS as VAULT_LINKERS
from tests.conftest import collect_for_rules
from tests.stubbing import ACCOUNT, Call, findings_for, inventory_of, resource, stub_collect

SETTINGS = "AWS::Backup::RegionSettings"
VOLUME_ARN = f"arn:aws:ec2:us-east-1:{ACCOUNT}:volume/vol-1"
OPT_IN = {"ResourceTypeOptInPreference": {"EBS": True, "DynamoDB": False},
          "ResourceTypeManagementPreference": {"DynamoDB": True}}


def rule(catalogue, rule_id):
    return next(r for r in catalogue.rules if r.id == rule_id)


# -- the Region settings singleton --------------------------------------------------------------------


def test_region_settings_singleton_and_job_listings(catalogue):
    failed_job = {"BackupJobId": "job-1", "ResourceArn": VOLUME_ARN, "ResourceType": "EBS", "State": "FAILED",
                  "StatusMessage": "Access denied", "CreationDate": datetime(2026, 1, 14, 5, tzinfo=UTC)}
    calls = {"backup": [
        Call("describe_region_settings", OPT_IN, {}),
        Call("list_backup_jobs", {"BackupJobs": [failed_job]}, {"ByState": "FAILED"}),
        Call("list_backup_jobs", {"BackupJobs": []}, {"ByState": "ABORTED"}),
        Call("list_backup_jobs", {"BackupJobs": []}, {"ByState": "EXPIRED"}),
    ]}
    inventory = stub_collect(catalogue, [(SETTINGS, ["FailedBackupJobs", "AbortedBackupJobs", "ExpiredBackupJobs"])],
                             calls)
    (settings,) = [r for r in inventory["resources"] if r["resource_type"] == SETTINGS]
    assert settings["id"] == "us-east-1" and settings["region"] == "us-east-1"
    assert settings["properties"]["ResourceTypeOptInPreference"] == {"EBS": True, "DynamoDB": False}
    assert settings["properties"]["FailedBackupJobs"][0]["CreationDate"] == "2026-01-14T05:00:00+00:00"
    assert "ResponseMetadata" not in settings["properties"]


def test_region_settings_access_denied_is_unknown_for_the_region(catalogue):
    calls = {"backup": [Call("describe_region_settings", error="AccessDeniedException", status=403)]}
    inventory = stub_collect(catalogue, [(SETTINGS, [])], calls)
    findings = evaluate([rule(catalogue, "backup-region-resource-types-opted-in")], link(inventory, catalogue.linkers))
    assert [f["status"] for f in findings] == ["UNKNOWN"]
    assert findings[0]["missing_permissions"] == ["backup:DescribeRegionSettings"]


def test_restore_testing_collected_and_judged(catalogue):
    calls = {"backup": [
        Call("describe_region_settings", OPT_IN, {}),
        Call("list_restore_testing_plans", {"RestoreTestingPlans": []}, {}),
        Call("list_restore_jobs", {"RestoreJobs": [{"RestoreJobId": "r-1", "Status": "COMPLETED",
                                                    "CompletionDate": datetime(2025, 1, 1, tzinfo=UTC)}]},
             {"ByStatus": "COMPLETED"}),
    ]}
    inventory = stub_collect(catalogue, [(SETTINGS, ["RestoreTestingPlans", "CompletedRestoreJobs"])], calls)
    # One protected resource in the Region makes the rule apply; the only restore is a year old.
    inventory["resources"].append(resource("AWS::Backup::ProtectedResource", VOLUME_ARN, {"ResourceArn": VOLUME_ARN}))
    inventory["collections"].append({"account_id": ACCOUNT, "region": "us-east-1",
                                     "resource_type": "AWS::Backup::ProtectedResource", "status": "ok"})
    (finding,) = findings_for(catalogue, inventory, "backup-region-restore-testing")
    assert finding["status"] == "FAIL"


def test_protected_resources_and_vault_policy_collectors(catalogue):
    calls = {"backup": [
        Call("list_protected_resources", {"Results": [{"ResourceArn": VOLUME_ARN, "ResourceType": "EBS",
                                                       "LastBackupTime": datetime(2026, 1, 14, tzinfo=UTC)}]}, {}),
    ]}
    inventory = stub_collect(catalogue, [("AWS::Backup::ProtectedResource", [])], calls)
    (protected,) = inventory["resources"]
    assert protected["id"] == protected["arn"] == VOLUME_ARN
    vault = {"BackupVaultName": "main", "BackupVaultArn": f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:main"}
    calls = {"backup": [
        Call("list_backup_vaults", {"BackupVaultList": [vault, {**vault, "BackupVaultName": "other",
                                                                "BackupVaultArn": vault["BackupVaultArn"] + "2"}]}, {}),
        Call("list_tags", {"Tags": {}}, {"ResourceArn": vault["BackupVaultArn"]}),
        Call("get_backup_vault_access_policy", error="ResourceNotFoundException", status=404),
        Call("list_tags", {"Tags": {}}, {"ResourceArn": vault["BackupVaultArn"] + "2"}),
        Call("get_backup_vault_access_policy", error="AccessDeniedException", status=403),
    ]}
    inventory = stub_collect(catalogue, [("AWS::Backup::BackupVault", ["derived.denies_recovery_point_deletion"])],
                             calls)
    findings = findings_for(catalogue, inventory, "backup-vault-deny-delete-policy")
    assert {f["resource_id"]: f["status"] for f in findings} == {"main": "FAIL", "other": "UNKNOWN"}
    denied = next(f for f in findings if f["status"] == "UNKNOWN")
    assert denied["missing_permissions"] == ["backup:GetBackupVaultAccessPolicy"]


def test_plans_and_vaults_against_moto(aws, catalogue):
    backup = aws.client("backup")
    backup.create_backup_vault(BackupVaultName="main")
    backup.create_backup_plan(BackupPlan={"BackupPlanName": "weekly", "Rules": [{
        "RuleName": "weekly", "TargetBackupVaultName": "main", "ScheduleExpression": "cron(0 5 ? * SUN *)",
        "Lifecycle": {"DeleteAfterDays": 14},
        "CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:us-west-2:123456789012:backup-vault:dr",
                         "Lifecycle": {"DeleteAfterDays": 3}}]}]})
    ids = ["backup-plan-frequency", "backup-plan-retention", "backup-plan-copy-retention",
           "backup-plan-cross-region-copy", "backup-plan-cross-account-copy", "backup-vault-lock"]
    inventory = collect_for_rules(aws, catalogue, ["backup-plan-frequency", "backup-plan-retention",
                                                   "backup-vault-lock"])
    statuses = {r: findings_for(catalogue, inventory, r)[0]["status"] for r in ids}
    assert statuses == {"backup-plan-frequency": "FAIL", "backup-plan-retention": "FAIL",
                        "backup-plan-copy-retention": "FAIL", "backup-plan-cross-region-copy": "PASS",
                        "backup-plan-cross-account-copy": "FAIL", "backup-vault-lock": "FAIL"}


# -- linkers over hand-built inventories ---------------------------------------------------------------

TYPES = (SETTINGS, "AWS::Backup::BackupPlan", "AWS::Backup::BackupSelection", "AWS::Backup::ProtectedResource",
         "AWS::EC2::Volume", "AWS::EC2::Instance", "AWS::RDS::DBInstance", "AWS::RDS::DBCluster",
         "AWS::DynamoDB::Table", "AWS::EFS::FileSystem", "AWS::S3::Bucket", "AWS::Backup::BackupVault",
         "AWS::FSx::FileSystem", "AWS::Redshift::Cluster")


def settings(**properties):
    return resource(SETTINGS, "us-east-1", {**OPT_IN, **properties})


def linked(resources, linkers=REGION_LINKERS, failed=None):
    return {(r["resource_type"], r["id"]): r for r in link(inventory_of(resources, TYPES, failed=failed),
                                                                     linkers).resources}


def test_region_facts():
    table = resource("AWS::DynamoDB::Table", "orders", {}, arn=f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders")
    vol = resource("AWS::EC2::Volume", "vol-1", {}, arn=VOLUME_ARN)
    facts = linked([settings(), table, vol])[(SETTINGS, "us-east-1")]["derived"]
    assert facts["protectable_resource_count"] == 2 and facts["backup_plan_count"] == 0
    assert facts["opted_out_types_in_use"] == [{"ResourceType": "DynamoDB", "Resources": 1, "OptedIn": False}]
    empty = linked([settings()])[(SETTINGS, "us-east-1")]["derived"]
    assert empty["protectable_resource_count"] == 0 and empty["opted_out_types_in_use"] == []


def test_region_facts_unknown_when_nothing_found_and_a_type_unreadable():
    records = linked([settings()], failed={("us-east-1", "AWS::EC2::Volume"): "DescribeVolumes: AccessDenied"})
    assert "AccessDenied" in records[(SETTINGS, "us-east-1")]["unavailable"]["derived.protectable_resource_count"][
        "reason"]


def test_failed_jobs_resolved_by_a_later_backup():
    jobs = [{"BackupJobId": "old", "ResourceArn": VOLUME_ARN, "State": "FAILED",
             "CreationDate": "2026-01-10T05:00:00+00:00"},
            {"BackupJobId": "new", "ResourceArn": "arn:x", "State": "EXPIRED",
             "CreationDate": "2026-01-14T05:00:00+00:00"}]
    protected = resource("AWS::Backup::ProtectedResource", VOLUME_ARN,
                         {"ResourceArn": VOLUME_ARN, "LastBackupTime": "2026-01-11T05:00:00+00:00"})
    record = linked([settings(FailedBackupJobs=jobs[:1], AbortedBackupJobs=[], ExpiredBackupJobs=jobs[1:]),
                     protected])[(SETTINGS, "us-east-1")]
    assert [j["BackupJobId"] for j in record["derived"]["unresolved_failed_backup_jobs"]] == ["new"]


def test_failed_jobs_unknown_when_later_backups_unreadable():
    jobs = [{"BackupJobId": "j", "ResourceArn": VOLUME_ARN, "State": "FAILED", "CreationDate": "2026-01-10T05:00:00+00:00"}]
    record = linked([settings(FailedBackupJobs=jobs, AbortedBackupJobs=[], ExpiredBackupJobs=[])],
                    failed={("us-east-1", "AWS::Backup::ProtectedResource"): "ListProtectedResources: AccessDenied"})[
        (SETTINGS, "us-east-1")]
    assert "AccessDenied" in record["unavailable"]["derived.unresolved_failed_backup_jobs"]["reason"]
    # With no failed job at all, the unreadable protected resources do not matter.
    record = linked([settings(FailedBackupJobs=[], AbortedBackupJobs=[], ExpiredBackupJobs=[])],
                    failed={("us-east-1", "AWS::Backup::ProtectedResource"): "denied"})[(SETTINGS, "us-east-1")]
    assert record["derived"]["unresolved_failed_backup_jobs"] == []


def test_recovery_points_source_exists_and_last_backup_time():
    vol = resource("AWS::EC2::Volume", "vol-1", {}, arn=VOLUME_ARN)
    gone = f"arn:aws:ec2:us-east-1:{ACCOUNT}:volume/vol-gone"
    # A type drcheck does not list (FSx, Redshift, DocumentDB and Neptune it does: their linker cases).
    gateway = f"arn:aws:storagegateway:us-east-1:{ACCOUNT}:gateway/sgw-1/volume/vol-9"
    latest = {"ResourceType": "EBS", "LastBackupTime": "2026-01-14T00:00:00+00:00"}
    records = linked([vol,
                      resource("AWS::Backup::ProtectedResource", VOLUME_ARN, latest),
                      resource("AWS::Backup::ProtectedResource", gone, {"ResourceType": "EBS"}),
                      resource("AWS::Backup::ProtectedResource", gateway, {"ResourceType": "Storage Gateway"})])
    assert records[("AWS::Backup::ProtectedResource", VOLUME_ARN)]["derived"]["source_exists"] is True
    assert records[("AWS::Backup::ProtectedResource", gone)]["derived"]["source_exists"] is False
    assert "does not list Storage Gateway" in records[("AWS::Backup::ProtectedResource", gateway)]["unavailable"][
        "derived.source_exists"]["reason"]
    assert records[("AWS::EC2::Volume", "vol-1")]["derived"]["last_backup_time"] == "2026-01-14T00:00:00+00:00"


def plan_with(rules):
    return resource("AWS::Backup::BackupPlan", "plan-1", {"BackupPlan": {"BackupPlanName": "p", "Rules": rules}})


def test_plan_facts_schedules_retention_and_default_schedule():
    record = linked([plan_with([
        {"RuleName": "default", "TargetBackupVaultName": "v"},
        {"RuleName": "bad", "TargetBackupVaultName": "v", "ScheduleExpression": "cron(0 5 ? * 9 *)",
         "Lifecycle": {"DeleteAfterEvent": "DELETE_AFTER_COPY"},
         "CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:eu-west-1:999988887777:backup-vault:x"}]},
    ])], PLAN_LINKERS)[("AWS::Backup::BackupPlan", "plan-1")]["derived"]
    assert record["rule_schedules"][0] == {"RuleName": "default", "ScheduleExpression": "cron(0 5 ? * * *)",
                                           "EnableContinuousBackup": False, "IntervalHours": 24}
    assert "out of range" in record["rule_schedules"][1]["_unavailable"]["IntervalHours"]["reason"]
    assert record["retention"] == [
        {"RuleName": "default", "Copy": False},
        {"RuleName": "bad", "Copy": False, "DeleteAfterDays": 0, "DeleteAfterEvent": "DELETE_AFTER_COPY"},
        {"RuleName": "bad", "Copy": True,
         "DestinationBackupVaultArn": "arn:aws:backup:eu-west-1:999988887777:backup-vault:x"},
    ]
    assert record["copy_destinations"][0]["CrossRegion"] and record["copy_destinations"][0]["CrossAccount"]


def test_selection_counts():
    selection = resource("AWS::Backup::BackupSelection", "s", {"BackupPlanId": "plan-1"})
    other = resource("AWS::Backup::BackupPlan", "plan-2", {})
    records = linked([plan_with([]), other, selection], PLAN_LINKERS)
    assert records[("AWS::Backup::BackupPlan", "plan-1")]["derived"]["selection_count"] == 1
    assert records[("AWS::Backup::BackupPlan", "plan-2")]["derived"]["selection_count"] == 0


def vault_with(policy):
    return resource("AWS::Backup::BackupVault", "main", {"AccessPolicy": policy})


def denies(policy):
    record = linked([vault_with(policy)], VAULT_LINKERS)[("AWS::Backup::BackupVault", "main")]
    return record["derived"].get("denies_recovery_point_deletion",
                                 record["unavailable"].get("derived.denies_recovery_point_deletion"))


def test_vault_policy_deny_delete():
    def doc(*statements):
        return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})

    deny_all = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "backup:DeleteRecoveryPoint", "Resource": "*"}
    assert denies(doc(deny_all)) is True
    assert denies(doc({**deny_all, "Action": ["backup:Delete*"],
                       "Condition": {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/breakglass"}}})) is True
    assert denies(doc({**deny_all, "Action": "backup:*"})) is True
    assert denies(doc({**deny_all, "Principal": {"AWS": "arn:aws:iam::1:role/app"}})) is False
    assert denies(doc({**deny_all, "Effect": "Allow"})) is False
    assert denies(doc({**deny_all, "Action": "backup:StartBackupJob"})) is False
    assert denies(None) is False
    assert "cannot read" in denies("{not json")["reason"]
