"""S3 buckets: listed once per account (S3 listing is global), each bucket in its own Region."""

from collections.abc import Mapping
from typing import Any

from drcheck import arns
from drcheck.collectors.spec import Collector, Detail


def bucket_region(properties: dict) -> str | None:
    """The bucket's Region from ListBuckets' BucketRegion, else from GetBucketLocation."""
    if properties.get("BucketRegion"):
        return properties["BucketRegion"]
    location = properties.get("BucketLocation")
    if not isinstance(location, dict):
        return None
    # GetBucketLocation answers null for us-east-1 and the legacy "EU" for eu-west-1.
    constraint = location.get("LocationConstraint")
    if not constraint:
        return "us-east-1"
    return "eu-west-1" if constraint == "EU" else constraint


def destinations_outside_listing(properties: Mapping[str, Any], listed: frozenset[str]) -> list[str]:
    """Replication destination buckets the account's own listing did not return."""
    rules = (properties.get("ReplicationConfiguration") or {}).get("Rules") or []
    names = {arns.s3_bucket_name((rule.get("Destination") or {}).get("Bucket")) for rule in rules}
    return sorted(name for name in names if name and name not in listed)


def region_from_error(response: Mapping[str, Any]) -> dict | None:
    """HeadBucket on another account's bucket fails (403), yet S3 still names the bucket's Region
    in the x-amz-bucket-region header; 404 is also an answer: the bucket does not exist."""
    metadata = response.get("ResponseMetadata") or {}
    region = (metadata.get("HTTPHeaders") or {}).get("x-amz-bucket-region")
    if region:
        return {"BucketRegion": region}
    code = str((response.get("Error") or {}).get("Code") or metadata.get("HTTPStatusCode") or "")
    if code in ("404", "NoSuchBucket", "NotFound"):
        return {"Exists": False}
    return None


COLLECTORS = (
    Collector(
        resource_type="AWS::S3::Bucket",
        recovery_role="stateful",
        service="s3",
        scope="global",
        list_operation="ListBuckets",
        list_permission="s3:ListAllMyBuckets",
        result_key="Buckets",
        id_field="Name",
        arn_template="arn:{partition}:s3:::{Name}",
        tags_field="Tags",
        region_of=bucket_region,
        details=(
            Detail(
                key="BucketLocation",
                operation="GetBucketLocation",
                permission="s3:GetBucketLocation",
                params={"Bucket": "Name"},
                skip_if_present="BucketRegion",
                always=True,
            ),
            Detail(
                key="BucketVersioning",
                operation="GetBucketVersioning",
                permission="s3:GetBucketVersioning",
                params={"Bucket": "Name"},
            ),
            Detail(
                key="ReplicationConfiguration",
                operation="GetBucketReplication",
                permission="s3:GetReplicationConfiguration",
                params={"Bucket": "Name"},
                result="ReplicationConfiguration",
                not_configured=("ReplicationConfigurationNotFoundError",),
            ),
            # Only for destinations outside the account's listing (another account's bucket):
            # one HEAD per such destination, to learn its Region without reading anything in it.
            # HeadBucket's IAM action is s3:ListBucket, but the answer needed here (the Region
            # header) also comes with the 403, so a policy without s3:ListBucket loses nothing.
            Detail(
                key="DestinationBucketRegions",
                operation="HeadBucket",
                permission="s3:ListBucket",
                params={"Bucket": "@"},
                each=destinations_outside_listing,
                answer_in_error=region_from_error,
            ),
            Detail(
                key="ObjectLockConfiguration",
                operation="GetObjectLockConfiguration",
                permission="s3:GetBucketObjectLockConfiguration",
                params={"Bucket": "Name"},
                result="ObjectLockConfiguration",
                not_configured=("ObjectLockConfigurationNotFoundError",),
            ),
            # Whole answer kept (Rules), so "no lifecycle configuration" is a null, known.
            Detail(
                key="BucketLifecycleConfiguration",
                operation="GetBucketLifecycleConfiguration",
                permission="s3:GetLifecycleConfiguration",
                params={"Bucket": "Name"},
                not_configured=("NoSuchLifecycleConfiguration",),
            ),
            Detail(
                key="Tags",
                operation="GetBucketTagging",
                permission="s3:GetBucketTagging",
                params={"Bucket": "Name"},
                result="TagSet",
                not_configured=("NoSuchTagSet",),
                not_configured_value=[],
                always=True,
            ),
        ),
    ),
)
