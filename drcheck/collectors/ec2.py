"""EC2 instances, EBS volumes, the account's own EBS snapshots, and subnets."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::EC2::Instance",
        recovery_role="stateless",
        service="ec2",
        list_operation="DescribeInstances",
        list_permission="ec2:DescribeInstances",
        result_key="Reservations[].Instances[]",
        id_field="InstanceId",
        arn_template="arn:{partition}:ec2:{region}:{account_id}:instance/{InstanceId}",
        tags_field="Tags",
        details=(
            # Termination protection is an instance attribute DescribeInstances does not return;
            # DescribeInstanceAttribute takes one instance and one attribute, so this is one call
            # per instance, made only when a selected rule reads it.
            Detail(
                key="DisableApiTermination",
                operation="DescribeInstanceAttribute",
                permission="ec2:DescribeInstanceAttribute",
                params={"InstanceId": "InstanceId"},
                constant_params={"Attribute": "disableApiTermination"},
                result="DisableApiTermination",
            ),
        ),
    ),
    Collector(
        resource_type="AWS::EC2::Volume",
        recovery_role="stateful",
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
        recovery_role="supporting",
        service="ec2",
        list_operation="DescribeSnapshots",
        list_permission="ec2:DescribeSnapshots",
        list_params={"OwnerIds": ["self"]},
        result_key="Snapshots",
        id_field="SnapshotId",
        arn_template="arn:{partition}:ec2:{region}::snapshot/{SnapshotId}",
        tags_field="Tags",
    ),
    # Subnets: free IP addresses (can a group relaunch after losing a zone?) and the zone of an
    # IP target's address.
    Collector(
        resource_type="AWS::EC2::Subnet",
        recovery_role="supporting",
        service="ec2",
        list_operation="DescribeSubnets",
        list_permission="ec2:DescribeSubnets",
        result_key="Subnets",
        id_field="SubnetId",
        arn_field="SubnetArn",
        tags_field="Tags",
    ),
)
