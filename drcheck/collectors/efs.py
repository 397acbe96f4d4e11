"""EFS file systems (Regional or One Zone), their automatic-backup policy and replication."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::EFS::FileSystem",
        recovery_role="stateful",
        service="efs",
        list_operation="DescribeFileSystems",
        list_permission="elasticfilesystem:DescribeFileSystems",
        result_key="FileSystems",
        id_field="FileSystemId",
        arn_field="FileSystemArn",
        name_field="Name",
        tags_field="Tags",
        details=(
            # EFS automatic backups (an AWS Backup plan EFS manages); PolicyNotFound = never set.
            Detail(
                key="BackupPolicy",
                operation="DescribeBackupPolicy",
                permission="elasticfilesystem:DescribeBackupPolicy",
                params={"FileSystemId": "FileSystemId"},
                result="BackupPolicy",
                not_configured=("PolicyNotFound",),
            ),
            # Asked with a FileSystemId, EFS answers for the file system as source *or* destination.
            Detail(
                key="Replications",
                operation="DescribeReplicationConfigurations",
                permission="elasticfilesystem:DescribeReplicationConfigurations",
                params={"FileSystemId": "FileSystemId"},
                result="Replications",
                paginate=True,
                not_configured=("ReplicationNotFound",),
                not_configured_value=[],
            ),
        ),
    ),
)
