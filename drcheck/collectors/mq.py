"""Amazon MQ brokers: ListBrokers already carries the deployment mode."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::AmazonMQ::Broker",
        recovery_role="stateful",
        service="mq",
        list_operation="ListBrokers",
        list_permission="mq:ListBrokers",
        result_key="BrokerSummaries",
        id_field="BrokerId",
        arn_field="BrokerArn",
        name_field="BrokerName",
    ),
)
