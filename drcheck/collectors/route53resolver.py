"""Route 53 Resolver endpoints and the addresses (one per subnet) they answer on."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::Route53Resolver::ResolverEndpoint",
        recovery_role="supporting",
        service="route53resolver",
        list_operation="ListResolverEndpoints",
        list_permission="route53resolver:ListResolverEndpoints",
        result_key="ResolverEndpoints",
        id_field="Id",
        arn_field="Arn",
        name_field="Name",
        details=(
            Detail(
                key="IpAddresses",
                operation="ListResolverEndpointIpAddresses",
                permission="route53resolver:ListResolverEndpointIpAddresses",
                params={"ResolverEndpointId": "Id"},
                result="IpAddresses",
                paginate=True,
            ),
        ),
    ),
)
