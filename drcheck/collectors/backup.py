"""AWS Backup: plans, their resource selections, vaults, protected resources and per-Region settings.

The Region settings record is a per-Region singleton: DescribeRegionSettings answers once per
account and Region, and that record also carries the Region-wide job and restore-test listings.
ListBackupJobs only returns jobs of the last 30 days, so no rule can look further back.
"""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::Backup::BackupPlan",
        recovery_role="supporting",
        service="backup",
        list_operation="ListBackupPlans",
        list_permission="backup:ListBackupPlans",
        result_key="BackupPlansList",
        id_field="BackupPlanId",
        arn_field="BackupPlanArn",
        name_field="BackupPlanName",
        tags_field="Tags",
        details=(
            Detail(
                key="BackupPlan",
                operation="GetBackupPlan",
                permission="backup:GetBackupPlan",
                params={"BackupPlanId": "BackupPlanId"},
                result="BackupPlan",
            ),
            Detail(
                key="Tags",
                operation="ListTags",
                permission="backup:ListTags",
                params={"ResourceArn": "BackupPlanArn"},
                result="Tags",
                # one call: botocore has no paginator for backup:ListTags
                always=True,
            ),
        ),
    ),
    Collector(
        resource_type="AWS::Backup::BackupSelection",
        recovery_role="supporting",
        service="backup",
        parent="AWS::Backup::BackupPlan",
        parent_params={"BackupPlanId": "BackupPlanId"},
        list_operation="ListBackupSelections",
        list_permission="backup:ListBackupSelections",
        result_key="BackupSelectionsList",
        id_field="SelectionId",
        name_field="SelectionName",
        arn_template="arn:{partition}:backup:{region}:{account_id}:backup-plan:{BackupPlanId}/selection/{SelectionId}",
        details=(
            Detail(
                key="BackupSelection",
                operation="GetBackupSelection",
                permission="backup:GetBackupSelection",
                params={"BackupPlanId": "BackupPlanId", "SelectionId": "SelectionId"},
                result="BackupSelection",
            ),
        ),
    ),
    Collector(
        resource_type="AWS::Backup::BackupVault",
        recovery_role="supporting",
        service="backup",
        list_operation="ListBackupVaults",
        list_permission="backup:ListBackupVaults",
        result_key="BackupVaultList",
        id_field="BackupVaultName",
        arn_field="BackupVaultArn",
        tags_field="Tags",
        details=(
            Detail(
                key="Tags",
                operation="ListTags",
                permission="backup:ListTags",
                params={"ResourceArn": "BackupVaultArn"},
                result="Tags",
                # one call: botocore has no paginator for backup:ListTags
                always=True,
            ),
            Detail(
                # No access policy at all answers ResourceNotFoundException: a real "none".
                key="AccessPolicy",
                operation="GetBackupVaultAccessPolicy",
                permission="backup:GetBackupVaultAccessPolicy",
                params={"BackupVaultName": "BackupVaultName"},
                result="Policy",
                not_configured=("ResourceNotFoundException",),
            ),
        ),
    ),
    Collector(
        # Lists a resource only once it has a recovery point: freshness, never coverage.
        resource_type="AWS::Backup::ProtectedResource",
        recovery_role="supporting",
        service="backup",
        list_operation="ListProtectedResources",
        list_permission="backup:ListProtectedResources",
        result_key="Results",
        id_field="ResourceArn",
        arn_field="ResourceArn",
        name_field="ResourceName",
    ),
    Collector(
        resource_type="AWS::Backup::RegionSettings",
        recovery_role="supporting",
        service="backup",
        list_operation="DescribeRegionSettings",
        list_permission="backup:DescribeRegionSettings",
        result_key="@",
        id_field="Region",
        singleton=True,
        paginate=False,
        details=tuple(
            Detail(
                key=f"{state.title()}BackupJobs",
                operation="ListBackupJobs",
                permission="backup:ListBackupJobs",
                constant_params={"ByState": state},
                result="BackupJobs",
                paginate=True,
            )
            for state in ("FAILED", "ABORTED", "EXPIRED")
        ) + (
            Detail(
                key="RestoreTestingPlans",
                operation="ListRestoreTestingPlans",
                permission="backup:ListRestoreTestingPlans",
                result="RestoreTestingPlans",
                paginate=True,
            ),
            Detail(
                key="CompletedRestoreJobs",
                operation="ListRestoreJobs",
                permission="backup:ListRestoreJobs",
                constant_params={"ByStatus": "COMPLETED"},
                result="RestoreJobs",
                paginate=True,
            ),
        ),
    ),
)
