"""Lambda functions (with their async invoke configuration and resource policy) and event
source mappings. ListFunctions already carries VpcConfig and DeadLetterConfig."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::Lambda::Function",
        recovery_role="stateless",
        service="lambda",
        list_operation="ListFunctions",
        list_permission="lambda:ListFunctions",
        result_key="Functions",
        id_field="FunctionName",
        arn_field="FunctionArn",
        details=(
            Detail(
                # No configuration answers ResourceNotFoundException: defaults (no destinations).
                key="EventInvokeConfig",
                operation="GetFunctionEventInvokeConfig",
                permission="lambda:GetFunctionEventInvokeConfig",
                params={"FunctionName": "FunctionName"},
                not_configured=("ResourceNotFoundException",),
            ),
            Detail(
                # Which AWS services may invoke the function; none answers ResourceNotFoundException.
                key="Policy",
                operation="GetPolicy",
                permission="lambda:GetPolicy",
                params={"FunctionName": "FunctionName"},
                result="Policy",
                not_configured=("ResourceNotFoundException",),
            ),
        ),
    ),
    Collector(
        resource_type="AWS::Lambda::EventSourceMapping",
        recovery_role="supporting",
        service="lambda",
        list_operation="ListEventSourceMappings",
        list_permission="lambda:ListEventSourceMappings",
        result_key="EventSourceMappings",
        id_field="UUID",
        arn_template="arn:{partition}:lambda:{region}:{account_id}:event-source-mapping:{UUID}",
    ),
)
