"""EFS file systems (Regional or One Zone)."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::EFS::FileSystem",
        service="efs",
        list_operation="DescribeFileSystems",
        list_permission="elasticfilesystem:DescribeFileSystems",
        result_key="FileSystems",
        id_field="FileSystemId",
        arn_field="FileSystemArn",
        name_field="Name",
        tags_field="Tags",
    ),
)
