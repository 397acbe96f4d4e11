"""AWS Backup plans, their resource selections, and vaults."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::Backup::BackupPlan",
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
        ),
    ),
)
