"""Trust boundaries at the AWS side: the guard allows exactly what drcheck declares, pacing is per
API endpoint, the AWS environment is checked, odd 2xx answers fail the call, and a linker that
raises turns only its own facts UNKNOWN."""

from __future__ import annotations

import pytest

from drcheck.collect.answers import UnreadableAnswer, check_answer
from drcheck.collect.guard import MutatingCallBlocked, allowed_operations, declared_operations, is_read_only
from drcheck.collect.session import check_aws_environment, client_config, make_client_factory
from drcheck.collectors import all_collectors
from drcheck.errors import UserError
from drcheck.linkers import Linker


def test_every_declared_operation_is_a_read():
    for service, operations in allowed_operations().items():
        for operation in operations:
            assert is_read_only(operation), f"{service}:{operation} is declared but is not a read"


def test_declared_operations_come_from_the_collectors():
    declared = declared_operations(all_collectors().values())
    assert "DescribeDBInstances" in declared["rds"] and "GetBucketVersioning" in declared["s3"]
    allowed = allowed_operations()
    assert {"GetCallerIdentity", "AssumeRole"} <= allowed["sts"]
    assert "ListAccounts" in allowed["organizations"] and "DescribeRegions" in allowed["ec2"]


@pytest.mark.parametrize("service,method,params", [
    ("redshift", "get_cluster_credentials", {"DbUser": "x", "ClusterIdentifier": "c", "AutoCreate": True}),
    ("cognito-identity", "get_id", {"IdentityPoolId": "us-east-1:00000000-0000-0000-0000-000000000000"}),
    ("ssm", "get_parameters_by_path", {"Path": "/", "WithDecryption": True}),
    ("s3", "get_object_torrent", {"Bucket": "b", "Key": "k"}),
    ("s3", "head_object", {"Bucket": "b", "Key": "k"}),
    ("logs", "get_log_events", {"logGroupName": "g", "logStreamName": "s"}),
    ("s3", "create_bucket", {"Bucket": "b"}),
])
def test_guard_refuses_undeclared_reads_and_writes_before_sending(aws, service, method, params):
    client = make_client_factory(client_config(1, 1))(aws, service, "us-east-1")
    sent = []
    client.meta.events.register("before-send", lambda request, **_: sent.append(request))
    with pytest.raises(MutatingCallBlocked, match="not one of the read operations drcheck declares"):
        getattr(client, method)(**params)
    assert sent == []


def test_max_rate_paces_per_api_endpoint(aws):
    """elb and elbv2 are one API (elasticloadbalancing): one pacer, so together they keep the cap."""
    factory = make_client_factory(client_config(1, 1), max_rate=5)
    for service, region in (("elb", "us-east-1"), ("elbv2", "us-east-1"), ("rds", "us-east-1"),
                            ("elb", "us-west-2")):
        factory(aws, service, region)
    assert sorted((region, endpoint) for _, region, endpoint in factory.pacers) == [
        ("us-east-1", "elasticloadbalancing"), ("us-east-1", "rds"), ("us-west-2", "elasticloadbalancing")]


@pytest.mark.parametrize("name,value,fragment", [
    ("AWS_MAX_ATTEMPTS", "abc", "AWS_MAX_ATTEMPTS must be a whole number"),
    ("AWS_MAX_ATTEMPTS", "0", "between 1 and 100"),
    ("AWS_ENDPOINT_URL", "not a url", "AWS_ENDPOINT_URL must be an http"),
    ("AWS_ENDPOINT_URL_S3", "ftp://x", "AWS_ENDPOINT_URL_S3 must be an http"),
    ("AWS_ENDPOINT_URL", "http://host:port", "invalid port"),
    ("AWS_RETRY_MODE", "fast", "AWS_RETRY_MODE"),
    ("AWS_CA_BUNDLE", "/no/such/bundle.pem", "AWS_CA_BUNDLE"),
])
def test_bad_aws_environment_is_one_line(name, value, fragment):
    with pytest.raises(UserError, match=fragment):
        check_aws_environment({name: value})


class _Operation:
    """The parts of a botocore OperationModel the answer check reads."""

    def __init__(self, protocol: str):
        self.name = "DescribeThing"
        self.has_streaming_output = False
        self.service_model = type("Service", (), {"resolved_protocol": protocol})()
        self.output_shape = None


@pytest.mark.parametrize("protocol,body,content_type", [
    ("json", b"<html><body>Sign in</body></html>", "text/html"),
    ("json", b'{"Table": {"TableName": "x"', "application/x-amz-json-1.0"),
    ("rest-json", b"not json", "application/json"),
    ("query", b"<!DOCTYPE html><html></html>", "text/xml"),
    ("query", b"plain text", "text/plain"),
])
def test_a_2xx_answer_that_is_not_an_aws_answer_fails_the_call(protocol, body, content_type):
    response = {"status_code": 200, "body": body, "headers": {"content-type": content_type}}
    with pytest.raises(UnreadableAnswer):
        check_answer(response, _Operation(protocol))


@pytest.mark.parametrize("protocol,body", [("json", b'{"Table": {}}'), ("query", b"<X/>"), ("json", b"")])
def test_real_answers_pass(protocol, body):
    check_answer({"status_code": 200, "body": body, "headers": {"content-type": "text/html"}}, _Operation(protocol))
    check_answer({"status_code": 400, "body": b"<html>", "headers": {}}, _Operation(protocol))  # errors: botocore's


def test_a_linker_that_raises_makes_only_its_missing_facts_unknown():
    from drcheck.link import link

    def stamp(index):
        first, second = index.of_type("AWS::S3::Bucket")
        index.set_derived(first, "odd", True)
        second["properties"]["Broken"].get("x")  # None.get: data no check foresaw

    linker = Linker(name="odd-facts", provides={"AWS::S3::Bucket": ("odd",)}, reads={}, link=stamp)
    resources = [{"resource_type": "AWS::S3::Bucket", "id": name, "region": "us-east-1", "account_id": "1",
                  "properties": {"Broken": None}, "unavailable": {}} for name in ("a", "b")]
    linked = link({"resources": resources, "collections": []}, [linker]).resources
    assert linked[0]["derived"] == {"odd": True}
    reason = linked[1]["unavailable"]["derived.odd"]["reason"]
    assert "linker odd-facts could not compute" in reason and "AttributeError" in reason
