"""Issue 9, section 2: an optional field that older or minimal API answers omit, where AWS documents
the default, reads as that default (not UNKNOWN); a field AWS documents no default for stays
unknown; and every default a built-in rule claims names where AWS documents it."""

from __future__ import annotations

import pytest

from drcheck.ruleset.conditions import (
    ABSENT,
    AllOf,
    AnyOf,
    ConditionError,
    Context,
    Leaf,
    Not,
    Quantifier,
    compile_condition,
)
from drcheck.ruleset.examples import EXAMPLE_NOW
from tests.inventories import ACCOUNT, inventory, judged, resource


def _leaves(node, prefix=""):
    """(full path, node) for every leaf and quantifier: both can carry a default."""
    if isinstance(node, Leaf):
        yield prefix + node.path, node
    elif isinstance(node, Quantifier):
        yield prefix + node.path, node
        yield from _leaves(node.child, f"{prefix}{node.path}[].")
    elif isinstance(node, AllOf | AnyOf):
        for child in node.children:
            yield from _leaves(child, prefix)
    elif isinstance(node, Not):
        yield from _leaves(node.child, prefix)


def _raw_field(path: str) -> bool:
    return not path.startswith(("derived.", "tags.", "resource."))


def test_every_default_in_a_builtin_rule_names_its_aws_documentation(catalogue):
    undocumented = []
    for rule in catalogue.rules:
        for node in filter(None, (rule.applies_when, rule.condition)):
            for path, leaf in _leaves(node):
                if leaf.default is not ABSENT and _raw_field(path) and not (
                        leaf.absence_source and leaf.absence_source.startswith("https://docs.aws.amazon.com/")):
                    undocumented.append(f"{rule.id}: {path}")
    assert undocumented == []


def test_absence_source_goes_with_a_default_or_exists():
    with pytest.raises(ConditionError, match="absence_source"):
        compile_condition({"field": "A", "equals": True, "absence_source": "https://docs.aws.amazon.com/x"}, {})
    with pytest.raises(ConditionError, match="absence_source"):
        compile_condition({"field": "A", "equals": True, "default": False, "absence_source": ""}, {})
    leaf = compile_condition({"field": "A", "exists": False, "absence_source": "https://docs.aws.amazon.com/x"}, {})
    assert isinstance(leaf, Leaf) and leaf.absence_source == "https://docs.aws.amazon.com/x"


def test_a_missing_detail_answer_is_unknown_even_with_a_default():
    """A default stands in for an omitted field, never for a whole detail answer that is not there."""
    leaf = compile_condition({"field": "Table.DeletionProtectionEnabled", "equals": True, "default": False}, {})
    resource_record = {"properties": {"TableName": "t"}, "unavailable": {}, "derived": {}}
    outcome = leaf.evaluate(Context(resource_record, {}, EXAMPLE_NOW, detail_keys=frozenset({"Table"})))
    assert outcome.value is None and "Table is not in the inventory" in outcome.reasons[0]
    resource_record["properties"]["Table"] = {"TableName": "t"}
    outcome = leaf.evaluate(Context(resource_record, {}, EXAMPLE_NOW, detail_keys=frozenset({"Table"})))
    assert outcome.value is False  # the field omitted from a real answer: the documented default


def test_missing_detail_answer_through_the_pipeline(catalogue):
    table = resource("AWS::DynamoDB::Table", "orders", TableName="orders")  # no DescribeTable answer stored
    assert judged(catalogue, inventory([table]), "dynamodb-table-deletion-protection")["orders"]["status"] == "UNKNOWN"


# -- the documented defaults, one per field -----------------------------------------------------------

RDS = {"DBInstanceStatus": "available", "BackupRetentionPeriod": 7, "MultiAZ": False, "Engine": "postgres"}


@pytest.mark.parametrize("rule_id,record,expected", [
    ("rds-instance-deletion-protection",
     resource("AWS::RDS::DBInstance", "db", DBInstanceIdentifier="db", **RDS), "FAIL"),
    ("rds-cluster-deletion-protection",
     resource("AWS::RDS::DBCluster", "c", DBClusterIdentifier="c", Engine="aurora-mysql"), "FAIL"),
    ("docdb-cluster-deletion-protection",
     resource("AWS::RDS::DBCluster", "c", DBClusterIdentifier="c", Engine="docdb"), "FAIL"),
    ("dynamodb-table-deletion-protection",
     resource("AWS::DynamoDB::Table", "t", TableName="t", Table={"TableName": "t", "TableStatus": "ACTIVE"}), "FAIL"),
    ("elbv2-load-balancer-cross-zone",  # Type omitted: an Application Load Balancer (cross-zone always on)
     resource("AWS::ElasticLoadBalancingV2::LoadBalancer", "lb", LoadBalancerName="lb", Attributes=[]),
     "NOT_APPLICABLE"),
    ("vpc-endpoint-multi-az",  # VpcEndpointType omitted: a gateway endpoint (not in a subnet)
     resource("AWS::EC2::VPCEndpoint", "vpce-1", VpcEndpointId="vpce-1", State="available"), "NOT_APPLICABLE"),
    ("lambda-event-source-mapping-on-failure",  # no EventSourceArn: a self-managed Kafka source
     resource("AWS::Lambda::EventSourceMapping", "u-1", UUID="u-1",
              SelfManagedEventSource={"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["b:9092"]}}), "NOT_APPLICABLE"),
    ("fsx-file-system-multi-az",  # Windows without DeploymentType: SINGLE_AZ_1
     resource("AWS::FSx::FileSystem", "fs-1", FileSystemId="fs-1", FileSystemType="WINDOWS",
              WindowsConfiguration={"AutomaticBackupRetentionDays": 7}), "FAIL"),
])
def test_omitted_field_reads_as_its_documented_default(catalogue, rule_id, record, expected):
    inv = inventory([record], listed={t: ("us-east-1",) for t in (
        "AWS::Backup::BackupPlan", "AWS::Backup::BackupSelection", "AWS::Backup::RegionSettings",
        "AWS::EC2::Instance", "AWS::EC2::Subnet")})
    finding = judged(catalogue, inv, rule_id)[record["id"]]
    assert finding["status"] == expected, finding.get("reason")


def test_dlm_policy_type_omitted_is_an_ebs_snapshot_policy(catalogue):
    policy = resource("AWS::DLM::LifecyclePolicy", "policy-1", PolicyId="policy-1", State="ENABLED", Policy={
        "PolicyId": "policy-1", "State": "ENABLED", "PolicyDetails": {
            "ResourceTypes": ["VOLUME"], "TargetTags": [{"Key": "backup", "Value": "daily"}],
            "Schedules": [{"Name": "daily", "CreateRule": {"Interval": 24, "IntervalUnit": "HOURS"},
                           "RetainRule": {"Count": 14}}]}})
    found = judged(catalogue, inventory([policy]), "dlm-policy-frequency")["policy-1"]
    assert found["status"] == "PASS" and found["evidence"]["PolicyType"] == "EBS_SNAPSHOT_MANAGEMENT"


def test_target_group_type_omitted_is_an_instance_target_group(catalogue):
    group = resource("AWS::ElasticLoadBalancingV2::TargetGroup", "tg", arn=f"arn:aws:elasticloadbalancing:us-east-1:"
                     f"{ACCOUNT}:targetgroup/tg/1", TargetGroupName="tg", LoadBalancerArns=[], VpcId="vpc-1")
    assert judged(catalogue, inventory([group]), "elbv2-target-group-healthy-targets-multi-az")["tg"]["status"] \
        == "NOT_APPLICABLE"  # judged as an instance group; attached to no load balancer


def test_fields_without_a_documented_default_stay_unknown(catalogue):
    cluster = resource("AWS::MemoryDB::Cluster", "m", Name="m", Shards=[])  # SnapshotRetentionLimit omitted
    assert judged(catalogue, inventory([cluster]), "memorydb-cluster-snapshot-retention")["m"]["status"] == "UNKNOWN"
    neptune = resource("AWS::RDS::DBCluster", "n", DBClusterIdentifier="n", Engine="neptune")
    # Neptune's own API reference says new clusters default to deletion protection *on*, while
    # answers from before the setting existed had none: the documentation does not settle it.
    assert judged(catalogue, inventory([neptune]), "neptune-cluster-deletion-protection")["n"]["status"] == "UNKNOWN"


def test_sqs_retention_omitted_is_four_days(catalogue):
    """CreateQueue: MessageRetentionPeriod defaults to 345,600 s; a source queue whose answer omits
    it must not read as keeping messages for 0 seconds (any dead-letter queue would then pass)."""
    source_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"
    dlq_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-dlq"
    source = resource("AWS::SQS::Queue", "orders", arn=source_arn, QueueUrl="https://sqs/orders", Attributes={
        "QueueArn": source_arn, "RedrivePolicy": f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":5}}'})
    dlq = resource("AWS::SQS::Queue", "orders-dlq", arn=dlq_arn, QueueUrl="https://sqs/orders-dlq",
                   Attributes={"QueueArn": dlq_arn, "MessageRetentionPeriod": "345600"})
    assert judged(catalogue, inventory([source, dlq]), "sqs-queue-dlq-retention")["orders"]["status"] == "FAIL"
