"""Secrets Manager secrets (metadata only, never values); replication status needs DescribeSecret."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::SecretsManager::Secret",
        recovery_role="stateful",
        service="secretsmanager",
        list_operation="ListSecrets",
        list_permission="secretsmanager:ListSecrets",
        # Secrets scheduled for deletion are listed too (DeletedDate set): that is itself a finding.
        list_params={"IncludePlannedDeletion": True},
        result_key="SecretList",
        id_field="Name",
        arn_field="ARN",
        tags_field="Tags",
        details=(
            Detail(
                # Absent from the answer when the secret has no replicas: stored as null.
                key="ReplicationStatus",
                operation="DescribeSecret",
                permission="secretsmanager:DescribeSecret",
                params={"SecretId": "ARN"},
                result="ReplicationStatus",
                absence_source="https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html"
                               " (ReplicationStatus: the secret's replicas; a secret without replicas has none)",
                answered_by="ARN",
            ),
        ),
    ),
)
