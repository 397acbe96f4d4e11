"""FSx file systems (Windows File Server, Lustre, NetApp ONTAP, OpenZFS)."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::FSx::FileSystem",
        recovery_role="stateful",
        service="fsx",
        list_operation="DescribeFileSystems",
        list_permission="fsx:DescribeFileSystems",
        result_key="FileSystems",
        id_field="FileSystemId",
        arn_field="ResourceARN",
        tags_field="Tags",
    ),
)
