"""Lambda, SQS, ECS and EKS collectors and rules against moto (Stubber for the failure paths)."""

from __future__ import annotations

import io
import json
import zipfile

from drcheck.evaluate import evaluate
from drcheck.link import link
from drcheck.linkers.ecs import LINKERS as ECS_LINKERS
from tests.conftest import collect_for_rules
from tests.stubbing import Call, findings_for, inventory_of, resource, stub_collect


def run(aws, catalogue, rule_ids):
    """Collect what the rules need from moto and return {rule id: {resource name: status}}."""
    inventory = collect_for_rules(aws, catalogue, rule_ids)
    rules = [r for r in catalogue.rules if r.id in rule_ids]
    findings = evaluate(rules, link(inventory, catalogue.linkers))
    result: dict[str, dict[str, str]] = {r: {} for r in rule_ids}
    for f in findings:
        result[f["rule_id"]][f["resource_name"]] = f["status"]
    return result


def vpc_with_subnets(aws):
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    a2 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.3.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    return vpc, a, b, a2


def lambda_role(aws):
    iam = aws.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                      "Principal": {"Service": "lambda.amazonaws.com"}}]}
    return iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def zipped():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def test_lambda_rules(aws, catalogue):
    _, a, b, a2 = vpc_with_subnets(aws)
    client = aws.client("lambda")
    role = lambda_role(aws)

    def function(name, **extra):
        client.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="index.handler",
                               Code={"ZipFile": zipped()}, **extra)

    function("two-zones", VpcConfig={"SubnetIds": [a, b], "SecurityGroupIds": []})
    function("one-zone", VpcConfig={"SubnetIds": [a, a2], "SecurityGroupIds": []})
    function("no-vpc")
    function("s3-no-destination")
    function("s3-with-destination")
    for name in ("s3-no-destination", "s3-with-destination"):
        client.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction",
                              Principal="s3.amazonaws.com")
    queue = aws.client("sqs").create_queue(QueueName="failures")["QueueUrl"]
    queue_arn = aws.client("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    client.put_function_event_invoke_config(FunctionName="s3-with-destination",
                                            DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    result = run(aws, catalogue, ["lambda-function-vpc-multi-az", "lambda-function-async-failure-destination"])
    assert {k: v for k, v in result["lambda-function-vpc-multi-az"].items() if k in ("two-zones", "one-zone", "no-vpc")} \
        == {"two-zones": "PASS", "one-zone": "FAIL", "no-vpc": "NOT_APPLICABLE"}
    async_results = result["lambda-function-async-failure-destination"]
    assert async_results["s3-no-destination"] == "FAIL"
    assert async_results["s3-with-destination"] == "PASS"
    assert async_results["no-vpc"] == "NOT_APPLICABLE"


def test_lambda_policy_access_denied_is_unknown(catalogue):
    function = {"FunctionName": "f", "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f"}
    calls = {"lambda": [
        Call("list_functions", {"Functions": [function]}, {}),
        Call("get_function_event_invoke_config", error="ResourceNotFoundException", status=404),
        Call("get_policy", error="AccessDeniedException", status=403),
    ]}
    inventory = stub_collect(catalogue, [("AWS::Lambda::Function", ["EventInvokeConfig", "derived.async_invokers"])],
                             calls)
    (finding,) = findings_for(catalogue, inventory, "lambda-function-async-failure-destination")
    assert finding["status"] == "UNKNOWN" and finding["missing_permissions"] == ["lambda:GetPolicy"]


def test_event_source_mapping_rule(aws, catalogue):
    role = lambda_role(aws)
    client = aws.client("lambda")
    client.create_function(FunctionName="consumer", Runtime="python3.12", Role=role, Handler="index.handler",
                           Code={"ZipFile": zipped()})
    kinesis = aws.client("kinesis")
    kinesis.create_stream(StreamName="orders", ShardCount=1)
    stream = kinesis.describe_stream(StreamName="orders")["StreamDescription"]["StreamARN"]
    mapping = client.create_event_source_mapping(EventSourceArn=stream, FunctionName="consumer",
                                                 StartingPosition="LATEST")["UUID"]
    result = run(aws, catalogue, ["lambda-event-source-mapping-on-failure"])
    assert result["lambda-event-source-mapping-on-failure"] == {mapping: "FAIL"}


def test_sqs_rules(aws, catalogue):
    sqs = aws.client("sqs")
    dlq = sqs.create_queue(QueueName="orders-dlq", Attributes={"MessageRetentionPeriod": "345600"})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})
    orders = sqs.create_queue(QueueName="orders", Attributes={"RedrivePolicy": redrive})["QueueUrl"]
    plain = sqs.create_queue(QueueName="plain")["QueueUrl"]
    result = run(aws, catalogue, ["sqs-queue-dead-letter-queue", "sqs-queue-dlq-retention"])
    assert result["sqs-queue-dead-letter-queue"] == {orders: "PASS", plain: "FAIL", dlq: "NOT_APPLICABLE"}
    # 4-day dead-letter queue behind a 4-day (default) source queue: messages can expire on arrival.
    assert result["sqs-queue-dlq-retention"] == {orders: "FAIL", plain: "NOT_APPLICABLE", dlq: "NOT_APPLICABLE"}


def test_ecs_rules(aws, catalogue):
    vpc, a, b, a2 = vpc_with_subnets(aws)
    group = aws.client("ec2").create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="main")
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}],
                                 networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512")
    ecs.create_service(cluster="main", serviceName="spread", taskDefinition="web", desiredCount=2, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": [a, b],
                                                                                "securityGroups": [group]}})
    ecs.create_service(cluster="main", serviceName="single", taskDefinition="web", desiredCount=1, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": [a, a2],
                                                                                "securityGroups": [group]}})
    # EC2 launch type with ECS's default strategy (moto does not keep placement strategies, so the
    # explicit-strategy cases are tested on the linker below).
    ecs.create_service(cluster="main", serviceName="ec2-default", taskDefinition="web", desiredCount=3,
                       launchType="EC2")
    result = run(aws, catalogue, ["ecs-service-multi-az", "ecs-service-desired-count"])
    assert result["ecs-service-multi-az"] == {"spread": "PASS", "single": "FAIL", "ec2-default": "PASS"}
    assert result["ecs-service-desired-count"] == {"spread": "PASS", "single": "FAIL", "ec2-default": "PASS"}


def test_ecs_zone_spread_strategies():
    def value(service):
        linked = link(inventory_of([resource("AWS::ECS::Service", "s", {"Service": service})],
                                             ["AWS::ECS::Service"]), ECS_LINKERS).resources
        return linked[0]["derived"]["spreads_across_zones"]

    az = {"type": "spread", "field": "attribute:ecs.availability-zone"}
    assert value({"launchType": "EC2"}) is True
    assert value({"launchType": "EC2", "placementStrategy": [az, {"type": "binpack", "field": "memory"}]}) is True
    assert value({"launchType": "EC2", "placementStrategy": [{"type": "binpack", "field": "memory"}, az]}) is False
    assert value({"launchType": "EC2", "placementStrategy": [{"type": "spread", "field": "instanceId"}]}) is False
    assert value({"capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT"}],
                  "placementStrategy": [{"type": "binpack", "field": "memory"}]}) is True


def test_eks_rules(aws, catalogue):
    _, a, b, a2 = vpc_with_subnets(aws)
    eks = aws.client("eks")
    role = lambda_role(aws)
    eks.create_cluster(name="prod", roleArn=role, resourcesVpcConfig={"subnetIds": [a, b]})
    eks.create_nodegroup(clusterName="prod", nodegroupName="wide", nodeRole=role, subnets=[a, b],
                         scalingConfig={"minSize": 2, "maxSize": 4, "desiredSize": 2})
    eks.create_nodegroup(clusterName="prod", nodegroupName="narrow", nodeRole=role, subnets=[a, a2],
                         scalingConfig={"minSize": 1, "maxSize": 4, "desiredSize": 1})
    result = run(aws, catalogue, ["eks-nodegroup-multi-az", "eks-nodegroup-min-size"])
    assert result["eks-nodegroup-multi-az"] == {"wide": "PASS", "narrow": "FAIL"}
    assert result["eks-nodegroup-min-size"] == {"wide": "PASS", "narrow": "FAIL"}
