"""KMS keys: ListKeys names them, DescribeKey says whose they are, their state and Regions."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::KMS::Key",
        recovery_role="supporting",
        service="kms",
        list_operation="ListKeys",
        list_permission="kms:ListKeys",
        result_key="Keys",
        id_field="KeyId",
        arn_field="KeyArn",
        name_field="KeyMetadata.Description",
        details=(
            Detail(
                key="KeyMetadata",
                operation="DescribeKey",
                permission="kms:DescribeKey",
                params={"KeyId": "KeyId"},
                result="KeyMetadata",
            ),
        ),
    ),
)
