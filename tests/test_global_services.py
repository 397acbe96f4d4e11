"""Route 53 and CloudFront: global collectors (listed once per account) and their rules."""

from __future__ import annotations

from tests.stubbing import Call, findings_for, stub_collect
from tests.test_compute_network import run

FAILOVER_RULES = ["route53-record-failover-pair", "route53-record-failover-primary-health-check",
                  "route53-record-failover-ttl", "route53-record-health-check-exists",
                  "route53-record-routing-health-check"]


def record(name, set_id=None, ttl=60, **extra):
    body = {"Name": name, "Type": "A", "TTL": ttl, "ResourceRecords": [{"Value": "192.0.2.1"}], **extra}
    if set_id:
        body["SetIdentifier"] = set_id
    return {"Action": "CREATE", "ResourceRecordSet": body}


def test_route53_rules(aws, catalogue):
    route53 = aws.client("route53")
    zone = route53.create_hosted_zone(Name="example.com", CallerReference="1")["HostedZone"]["Id"]
    check = route53.create_health_check(CallerReference="hc", HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": "primary.example.com", "ResourcePath": "/health"})[
        "HealthCheck"]["Id"]
    route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        record("app.example.com", "primary", Failover="PRIMARY", HealthCheckId=check),
        record("app.example.com", "secondary", ttl=300, Failover="SECONDARY"),
        record("lonely.example.com", "primary", Failover="PRIMARY"),
        record("www.example.com", "eu", Weight=50),
        record("plain.example.com"),
    ]})
    result = run(aws, catalogue, FAILOVER_RULES)
    assert result["route53-record-failover-pair"] == {
        "app.example.com. A primary": "PASS", "app.example.com. A secondary": "PASS",
        "lonely.example.com. A primary": "FAIL", "www.example.com. A eu": "NOT_APPLICABLE",
        "plain.example.com. A ": "NOT_APPLICABLE", "example.com. NS ": "NOT_APPLICABLE",
        "example.com. SOA ": "NOT_APPLICABLE"}
    primary = result["route53-record-failover-primary-health-check"]
    assert primary["app.example.com. A primary"] == "PASS" and primary["lonely.example.com. A primary"] == "FAIL"
    ttl = result["route53-record-failover-ttl"]
    assert ttl["app.example.com. A primary"] == "PASS" and ttl["app.example.com. A secondary"] == "FAIL"
    assert result["route53-record-health-check-exists"]["app.example.com. A primary"] == "PASS"
    assert result["route53-record-routing-health-check"]["www.example.com. A eu"] == "FAIL"


def test_disabled_health_check(aws, catalogue):
    route53 = aws.client("route53")
    config = {"Type": "HTTPS", "FullyQualifiedDomainName": "primary.example.com", "ResourcePath": "/health"}
    enabled = route53.create_health_check(CallerReference="a", HealthCheckConfig=config)["HealthCheck"]["Id"]
    disabled = route53.create_health_check(CallerReference="b", HealthCheckConfig={**config, "Disabled": True})[
        "HealthCheck"]["Id"]
    result = run(aws, catalogue, ["route53-health-check-enabled"])
    assert result["route53-health-check-enabled"] == {enabled: "PASS", disabled: "FAIL"}


def test_route53_deleted_health_check_and_denied_listing(catalogue):
    zone = {"Id": "/hostedzone/Z1", "Name": "example.com.", "CallerReference": "1"}
    records = {"ResourceRecordSets": [{"Name": "app.example.com.", "Type": "A", "SetIdentifier": "p", "TTL": 60,
                                       "Failover": "PRIMARY", "HealthCheckId": "gone",
                                       "ResourceRecords": [{"Value": "192.0.2.1"}]}],
               "IsTruncated": False, "MaxItems": "100"}
    calls = {"route53": [
        Call("list_health_checks", {"HealthChecks": [], "Marker": "", "IsTruncated": False, "MaxItems": "100"}, {}),
        Call("list_hosted_zones", {"HostedZones": [zone], "Marker": "", "IsTruncated": False, "MaxItems": "100"}, {}),
        Call("list_resource_record_sets", records, {"HostedZoneId": "/hostedzone/Z1"}),
    ]}
    inventory = stub_collect(catalogue, [("AWS::Route53::RecordSet", ["derived.health_check"])], calls)
    (finding,) = findings_for(catalogue, inventory, "route53-record-health-check-exists")
    assert finding["status"] == "FAIL" and finding["region"] == "global"
    calls = {"route53": [
        Call("list_health_checks", error="AccessDenied", status=403),
        Call("list_hosted_zones", {"HostedZones": [zone], "Marker": "", "IsTruncated": False, "MaxItems": "100"}, {}),
        Call("list_resource_record_sets", records, {"HostedZoneId": "/hostedzone/Z1"}),
    ]}
    inventory = stub_collect(catalogue, [("AWS::Route53::RecordSet", ["derived.health_check"])], calls)
    (finding,) = findings_for(catalogue, inventory, "route53-record-health-check-exists")
    assert finding["status"] == "UNKNOWN" and "AccessDenied" in finding["reason"]


def distribution_config(reference, origin_groups=None, target="primary"):
    origin = {"DomainName": "bucket.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}
    config = {
        "CallerReference": reference, "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 2, "Items": [{"Id": "primary", **origin},
                                             {"Id": "secondary", **origin, "DomainName": "replica.s3.amazonaws.com"}]},
        "DefaultCacheBehavior": {"TargetOriginId": target, "ViewerProtocolPolicy": "allow-all",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
    }
    if origin_groups:
        config["OriginGroups"] = origin_groups
    return config


def test_cloudfront_origin_failover(catalogue):
    group = {"Quantity": 1, "Items": [{
        "Id": "failover",
        "FailoverCriteria": {"StatusCodes": {"Quantity": 2, "Items": [500, 503]}},
        "Members": {"Quantity": 2, "Items": [{"OriginId": "primary"}, {"OriginId": "secondary"}]}}]}
    summary = {
        "Id": "E1", "ARN": "arn:aws:cloudfront::123456789012:distribution/E1", "Status": "Deployed",
        "LastModifiedTime": "2026-01-01T00:00:00Z", "DomainName": "d1.cloudfront.net",
        "Aliases": {"Quantity": 0}, "OriginGroups": group,
        "Origins": {"Quantity": 1, "Items": [{"Id": "primary", "DomainName": "b.s3.amazonaws.com"}]},
        "DefaultCacheBehavior": {"TargetOriginId": "failover", "ViewerProtocolPolicy": "allow-all"},
        "CacheBehaviors": {"Quantity": 0}, "CustomErrorResponses": {"Quantity": 0}, "Comment": "",
        "PriceClass": "PriceClass_All", "Enabled": True, "ViewerCertificate": {},
        "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}}, "WebACLId": "",
        "HttpVersion": "http2", "IsIPV6Enabled": True, "Staging": False,
    }
    single = {**summary, "Id": "E2", "ARN": summary["ARN"][:-1] + "2", "DomainName": "d2.cloudfront.net",
              "OriginGroups": {"Quantity": 0}, "DefaultCacheBehavior": {"TargetOriginId": "primary",
                                                                         "ViewerProtocolPolicy": "allow-all"}}
    listing = {"DistributionList": {"Marker": "", "MaxItems": 100, "IsTruncated": False, "Quantity": 2,
                                    "Items": [summary, single]}}
    inventory = stub_collect(catalogue, [("AWS::CloudFront::Distribution", [])],
                             {"cloudfront": [Call("list_distributions", listing, {})]})
    findings = findings_for(catalogue, inventory, "cloudfront-distribution-origin-failover")
    assert {f["resource_id"]: f["status"] for f in findings} == {"E1": "PASS", "E2": "FAIL"}
    assert {f["region"] for f in findings} == {"global"}


def test_cloudfront_against_moto(aws, catalogue):
    aws.client("cloudfront").create_distribution(DistributionConfig=distribution_config("one"))
    result = run(aws, catalogue, ["cloudfront-distribution-origin-failover"])
    assert list(result["cloudfront-distribution-origin-failover"].values()) == ["FAIL"]
