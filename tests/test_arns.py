"""drcheck.arns: the one ARN parser."""

import pytest

from drcheck import arns


def test_parts_and_colons_in_the_resource():
    arn = arns.parse("arn:aws:backup:eu-west-1:111122223333:backup-vault:archive")
    assert arn == arns.Arn("aws", "backup", "eu-west-1", "111122223333", "backup-vault:archive")


@pytest.mark.parametrize("value,region", [
    ("arn:aws:rds:us-east-1:111122223333:db:orders", "us-east-1"),
    ("arn:aws-us-gov:ec2:us-gov-west-1:111122223333:volume/vol-1", "us-gov-west-1"),
    ("arn:aws:s3:::bucket", None),  # global: no Region, never "the same Region" as another
    ("arn:aws:rds::111122223333:global-cluster:g1", None),
    ("orders", None),
    ("arn:aws:rds:us-east-1", None),  # truncated
    ("", None),
    (None, None),
    (42, None),
])
def test_region(value, region):
    assert arns.region_of(value) == region


def test_bare_identifiers_are_in_the_callers_region():
    assert arns.region_or("orders-replica", "eu-west-1") == "eu-west-1"
    assert arns.region_or("arn:aws:rds:us-west-2:111122223333:db:r", "eu-west-1") == "us-west-2"


def test_s3_bucket_names():
    assert arns.s3_bucket_name("arn:aws:s3:::media-dr") == "media-dr"
    assert arns.s3_bucket_name("media-dr") == "media-dr"
    assert arns.s3_bucket_name(None) == ""


def test_resource_type_patterns():
    assert arns.names_resource_type("arn:aws:ec2:*:*:volume/*")
    assert not arns.names_resource_type("arn:aws:ec2:*:*:*")
    assert not arns.names_resource_type("arn:aws:ec2:*")
    assert not arns.names_resource_type("*")


def test_required_arns_say_what_they_are():
    assert arns.require("arn:aws:iam::111122223333:user/me").partition == "aws"
    with pytest.raises(ValueError, match="the caller identity 'nope' is not an ARN"):
        arns.require("nope", "the caller identity")
