"""Incident Manager replication set: one per account, spanning the Regions it replicates to."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::SSMIncidents::ReplicationSet",
        recovery_role="out_of_scope",
        service="ssm-incidents",
        scope="global",
        list_operation="ListReplicationSets",
        list_permission="ssm-incidents:ListReplicationSets",
        result_key="replicationSetArns",
        item_name="arn",
        id_field="arn",
        arn_field="arn",
        details=(
            Detail(
                key="replicationSet",
                operation="GetReplicationSet",
                permission="ssm-incidents:GetReplicationSet",
                params={"arn": "arn"},
                result="replicationSet",
            ),
        ),
    ),
)
