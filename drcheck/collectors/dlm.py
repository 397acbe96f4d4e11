"""Data Lifecycle Manager policies (EBS snapshot and AMI schedules by target tags)."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::DLM::LifecyclePolicy",
        recovery_role="supporting",
        service="dlm",
        list_operation="GetLifecyclePolicies",
        list_permission="dlm:GetLifecyclePolicies",
        result_key="Policies",
        paginate=False,
        id_field="PolicyId",
        arn_template="arn:{partition}:dlm:{region}:{account_id}:policy/{PolicyId}",
        name_field="Description",
        tags_field="Tags",
        details=(
            Detail(
                key="Policy",
                operation="GetLifecyclePolicy",
                permission="dlm:GetLifecyclePolicy",
                params={"PolicyId": "PolicyId"},
                result="Policy",
            ),
        ),
    ),
)
