"""CloudFormation stacks: DescribeStacks already carries status, termination protection and nesting."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::CloudFormation::Stack",
        recovery_role="supporting",
        service="cloudformation",
        list_operation="DescribeStacks",
        list_permission="cloudformation:DescribeStacks",
        result_key="Stacks",
        id_field="StackName",
        arn_field="StackId",
        tags_field="Tags",
    ),
)
