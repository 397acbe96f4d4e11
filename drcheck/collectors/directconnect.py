"""Direct Connect connections (dedicated and hosted) homed in each Region."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::DirectConnect::Connection",
        recovery_role="supporting",
        service="directconnect",
        list_operation="DescribeConnections",
        list_permission="directconnect:DescribeConnections",
        result_key="connections",
        paginate=False,  # no botocore paginator; without maxResults one call returns them all
        id_field="connectionId",
        arn_template="arn:{partition}:directconnect:{region}:{account_id}:dxcon/{connectionId}",
        name_field="connectionName",
        tags_field="tags",
    ),
)
