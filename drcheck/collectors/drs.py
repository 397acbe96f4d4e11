"""Elastic Disaster Recovery source servers: replication state, lag and last launch per server."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::DRS::SourceServer",
        recovery_role="supporting",
        service="drs",
        list_operation="DescribeSourceServers",
        list_permission="drs:DescribeSourceServers",
        result_key="items",
        id_field="sourceServerID",
        arn_field="arn",
        name_field="sourceProperties.identificationHints.hostname",
        tags_field="tags",
        # DRS answers UninitializedAccountException in Regions where it was never set up: none there.
        not_configured=("UninitializedAccountException",),
    ),
)
