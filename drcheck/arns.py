"""Amazon Resource Names: the one place drcheck takes an ARN apart.

`arn:partition:service:region:account-id:resource` (AWS General Reference, "Amazon Resource Names
(ARNs)"). The resource part may itself hold colons (`db:orders`, `backup-vault:archive`), so only
the first five separators count. Region and account are empty for global resources (S3 buckets,
IAM roles); an empty part is reported as None, never as "the same Region" as something else.

Every module that needs a piece of an ARN asks here (tests/test_one_fact.py fails on a
hand-written split elsewhere), so a malformed value is judged the same way everywhere: not an ARN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PREFIX = "arn:"
_PARTS = 6


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str | None  # None: the ARN has no Region (a global resource)
    account: str | None  # None: the ARN has no account (S3 buckets, AWS managed policies' "aws")
    resource: str  # everything after the fifth colon, e.g. "db:orders" or "volume/vol-0a"


def parse(value: Any) -> Arn | None:
    """The ARN's parts, or None when the value is not an ARN (a bare name, an id, junk)."""
    if not isinstance(value, str) or not value.startswith(PREFIX):
        return None
    parts = value.split(":", _PARTS - 1)
    if len(parts) < _PARTS or not parts[1] or not parts[2]:
        return None
    return Arn(partition=parts[1], service=parts[2], region=parts[3] or None, account=parts[4] or None,
               resource=parts[5])


def require(value: Any, what: str = "value") -> Arn:
    """Like parse, for an ARN AWS always answers well-formed (STS identities): ValueError otherwise."""
    arn = parse(value)
    if arn is None:
        raise ValueError(f"{what} {value!r} is not an ARN")
    return arn


def is_arn(value: Any) -> bool:
    return parse(value) is not None


def region_of(value: Any) -> str | None:
    """The ARN's Region; None for a non-ARN or an ARN without one."""
    arn = parse(value)
    return arn.region if arn else None


def account_of(value: Any) -> str | None:
    arn = parse(value)
    return arn.account if arn else None


def region_or(value: Any, own_region: str) -> str:
    """The Region a reference points to: an ARN's own Region, or `own_region` for a bare identifier
    (RDS names same-Region replicas by identifier and cross-Region ones by ARN)."""
    arn = parse(value)
    if arn is None:
        return own_region
    return arn.region or own_region


def s3_bucket_name(value: Any) -> str:
    """The bucket an S3 reference names: `arn:aws:s3:::name` or a bare bucket name."""
    arn = parse(value)
    if arn is not None and arn.service == "s3":
        return arn.resource
    return "" if value is None else str(value)


def names_resource_type(pattern: str) -> bool:
    """Whether an ARN pattern names a resource type (`…:volume/*`) rather than a whole service
    (`arn:aws:ec2:*`, `arn:aws:ec2:*:*:*`): AWS Backup's opt-in rule depends on it."""
    arn = parse(pattern)
    return arn is not None and arn.resource not in ("", "*")


def resource_names(arn: Arn) -> list[str]:
    """The names in an ARN's resource part, after its resource type: `db:orders` -> [orders],
    `table/orders/backup/0168` -> [orders, backup, 0168]; a part without a type (an S3 bucket) is the name."""
    parts = [p for p in arn.resource.replace("/", ":").split(":") if p]
    return parts[1:] if len(parts) > 1 else parts
