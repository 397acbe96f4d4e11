"""ECR repositories and the private registry's replication configuration (a per-Region singleton)."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::ECR::Repository",
        recovery_role="supporting",
        service="ecr",
        list_operation="DescribeRepositories",
        list_permission="ecr:DescribeRepositories",
        result_key="repositories",
        id_field="repositoryName",
        arn_field="repositoryArn",
    ),
    Collector(
        resource_type="AWS::ECR::Registry",
        recovery_role="supporting",
        service="ecr",
        list_operation="DescribeRegistry",
        list_permission="ecr:DescribeRegistry",
        result_key="@",
        id_field="registryId",
        singleton=True,
        paginate=False,
    ),
)
