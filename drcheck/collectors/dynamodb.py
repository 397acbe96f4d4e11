"""DynamoDB tables: ListTables names them, DescribeTable says the rest."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS: tuple[Collector, ...] = (
    Collector(
        resource_type="AWS::DynamoDB::Table",
        recovery_role="stateful",
        service="dynamodb",
        list_operation="ListTables",
        list_permission="dynamodb:ListTables",
        result_key="TableNames",
        item_name="TableName",
        id_field="TableName",
        arn_field="Table.TableArn",
        arn_template="arn:{partition}:dynamodb:{region}:{account_id}:table/{TableName}",
        tags_field="Tags",
        details=(
            Detail(
                key="Table",
                operation="DescribeTable",
                permission="dynamodb:DescribeTable",
                params={"TableName": "TableName"},
                result="Table",
                always=True,
            ),
            Detail(
                key="ContinuousBackupsDescription",
                operation="DescribeContinuousBackups",
                permission="dynamodb:DescribeContinuousBackups",
                params={"TableName": "TableName"},
                result="ContinuousBackupsDescription",
            ),
            Detail(
                key="Tags",
                operation="ListTagsOfResource",
                permission="dynamodb:ListTagsOfResource",
                params={"ResourceArn": "Table.TableArn"},
                result="Tags",
                paginate=True,
                always=True,
            ),
        ),
    ),
)

BACKUP_COLLECTORS = (
    # On-demand backups of the Region's tables: made by the user, by DynamoDB (SYSTEM) or by AWS
    # Backup. ListBackups returns only USER backups unless BackupType says otherwise.
    Collector(
        resource_type="AWS::DynamoDB::Backup",
        recovery_role="supporting",
        service="dynamodb",
        list_operation="ListBackups",
        list_permission="dynamodb:ListBackups",
        list_params={"BackupType": "ALL"},
        result_key="BackupSummaries",
        id_field="BackupArn",
        arn_field="BackupArn",
        name_field="BackupName",
    ),
)
COLLECTORS = COLLECTORS + BACKUP_COLLECTORS
