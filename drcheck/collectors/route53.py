"""Route 53 hosted zones, their record sets and health checks: global, listed once per account."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::Route53::HostedZone",
        recovery_role="supporting",
        service="route53",
        scope="global",
        list_operation="ListHostedZones",
        list_permission="route53:ListHostedZones",
        result_key="HostedZones",
        id_field="Id",
        name_field="Name",
    ),
    Collector(
        resource_type="AWS::Route53::RecordSet",
        recovery_role="stateless",
        service="route53",
        scope="global",
        parent="AWS::Route53::HostedZone",
        parent_params={"HostedZoneId": "Id"},
        list_operation="ListResourceRecordSets",
        list_permission="route53:ListResourceRecordSets",
        result_key="ResourceRecordSets",
        # Name and type identify a record; routing policies add a SetIdentifier per variant.
        id_field="join(' ', [HostedZoneId, Name, Type, SetIdentifier || ''])",
        name_field="join(' ', [Name, Type, SetIdentifier || ''])",
    ),
    Collector(
        resource_type="AWS::Route53::HealthCheck",
        recovery_role="supporting",
        service="route53",
        scope="global",
        list_operation="ListHealthChecks",
        list_permission="route53:ListHealthChecks",
        result_key="HealthChecks",
        id_field="Id",
        arn_template="arn:{partition}:route53:::healthcheck/{Id}",
    ),
)
