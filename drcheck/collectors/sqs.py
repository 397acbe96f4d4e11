"""SQS queues: ListQueues returns URLs only, so every attribute comes from GetQueueAttributes."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::SQS::Queue",
        recovery_role="stateful",
        service="sqs",
        list_operation="ListQueues",
        list_permission="sqs:ListQueues",
        result_key="QueueUrls",
        item_name="QueueUrl",
        id_field="QueueUrl",
        arn_field="Attributes.QueueArn",
        details=(
            Detail(
                key="Attributes",
                operation="GetQueueAttributes",
                permission="sqs:GetQueueAttributes",
                params={"QueueUrl": "QueueUrl"},
                constant_params={"AttributeNames": ["All"]},
                result="Attributes",
                always=True,  # the queue's ARN, which dead-letter targets name, is an attribute
            ),
        ),
    ),
)
