"""CloudFront distributions: global, listed once per account; the list carries origins, origin
groups and cache behaviours."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::CloudFront::Distribution",
        recovery_role="stateless",
        service="cloudfront",
        scope="global",
        list_operation="ListDistributions",
        list_permission="cloudfront:ListDistributions",
        result_key="DistributionList.Items",
        id_field="Id",
        arn_field="ARN",
        name_field="DomainName",
    ),
)
