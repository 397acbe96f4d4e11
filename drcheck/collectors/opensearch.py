"""OpenSearch Service domains: ListDomainNames names them, DescribeDomain says the rest."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::OpenSearchService::Domain",
        recovery_role="stateful",
        service="opensearch",
        list_operation="ListDomainNames",
        list_permission="es:ListDomainNames",
        result_key="DomainNames",
        paginate=False,  # ListDomainNames has no pagination: it returns every domain at once
        id_field="DomainName",
        arn_field="DomainStatus.ARN",
        arn_template="arn:{partition}:es:{region}:{account_id}:domain/{DomainName}",
        tags_field="Tags",
        details=(
            Detail(
                key="DomainStatus",
                operation="DescribeDomain",
                permission="es:DescribeDomain",
                params={"DomainName": "DomainName"},
                result="DomainStatus",
                always=True,
            ),
            Detail(
                key="Tags",
                operation="ListTags",
                permission="es:ListTags",
                params={"ARN": "DomainStatus.ARN"},
                result="TagList",
                always=True,
            ),
        ),
    ),
)
