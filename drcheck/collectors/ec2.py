"""EC2 instances, EBS volumes and the account's own EBS snapshots."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::EC2::Instance",
        service="ec2",
        list_operation="DescribeInstances",
        list_permission="ec2:DescribeInstances",
        result_key="Reservations[].Instances[]",
        id_field="InstanceId",
        arn_template="arn:{partition}:ec2:{region}:{account_id}:instance/{InstanceId}",
        tags_field="Tags",
    ),
    Collector(
        resource_type="AWS::EC2::Volume",
        service="ec2",
        list_operation="DescribeVolumes",
        list_permission="ec2:DescribeVolumes",
        result_key="Volumes",
        id_field="VolumeId",
        arn_template="arn:{partition}:ec2:{region}:{account_id}:volume/{VolumeId}",
        tags_field="Tags",
    ),
    Collector(
        resource_type="AWS::EC2::Snapshot",
        service="ec2",
        list_operation="DescribeSnapshots",
        list_permission="ec2:DescribeSnapshots",
        list_params={"OwnerIds": ["self"]},
        result_key="Snapshots",
        id_field="SnapshotId",
        arn_template="arn:{partition}:ec2:{region}::snapshot/{SnapshotId}",
        tags_field="Tags",
    ),
)
