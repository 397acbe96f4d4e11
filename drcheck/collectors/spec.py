"""The shape of a collector declaration.

A collector says *what* to read about one resource type; drcheck.collect.runner decides *how*
(clients, threads, paginators, retries) and drcheck.collect.plan decides *whether* (only what the
selected rules need). Every call names its IAM permission so the least-privilege policy is derived
from the declarations, never kept by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

# What a resource type is to the recovery model (drcheck.objectives): a store of data (stateful),
# something that serves but holds no data of its own (stateless), something read to judge others
# (backups, policies, network plumbing, registries: supporting), or not part of a workload's recovery
# at all (out_of_scope). Only stateful and stateless resources are workload components.
RecoveryRole = Literal["stateful", "stateless", "supporting", "out_of_scope"]
RECOVERY_ROLES: tuple[str, ...] = ("stateful", "stateless", "supporting", "out_of_scope")


@dataclass(frozen=True)
class Detail:
    """A per-resource call whose result is stored on the resource under `key`.

    `params` maps each API parameter to a JMESPath expression over the resource's properties
    (`TableName`, or `[LoadBalancerArn]` for a list of one). `result` is a JMESPath
    expression selecting what to keep from the response (None keeps the whole response).
    Keys are the API's own names where it has one (DescribeTable keeps "Table"), so a rule field
    reads like the AWS CLI output: `Table.DeletionProtectionEnabled`.
    `not_configured` error codes mean "this feature is not set up": a real answer, stored as
    `not_configured_value` (usually None), not an error.
    `skip_if_present` skips the call when the list call already returned that field.
    A 2xx answer without the member `result` starts with is no answer (UNKNOWN), unless
    `absence_source` names where AWS documents that its absence means "none" (stored as null);
    `answered_by` is a member every real answer carries, so an empty answer still reads as none.
    """

    key: str
    operation: str
    permission: str
    params: Mapping[str, str] = field(default_factory=dict)
    constant_params: Mapping[str, Any] = field(default_factory=dict)
    result: str | None = None
    paginate: bool = False
    not_configured: tuple[str, ...] = ()
    not_configured_value: Any = None
    skip_if_present: str | None = None
    absence_source: str | None = None  # AWS documentation saying the answer may omit `result`'s member
    answered_by: str | None = None  # a member every real answer has: without it, absence is no answer
    always: bool = False  # needed for identity (ARN, tags, region) whatever the rules ask
    # Per-item details: `each(properties, listed_ids)` names the items to call for (e.g. the
    # replication destinations that the same list call did not return); `params` are then
    # JMESPath over each item (`@` is the item). The stored value maps item -> result, or
    # item -> {"Error": reason}; `answer_in_error(error_response)` may still read an answer from
    # a failed call (HeadBucket's 403 carries the bucket's Region in a header).
    each: Callable[[Mapping[str, Any], frozenset[str]], list[str]] | None = None
    answer_in_error: Callable[[Mapping[str, Any]], Any] | None = None


@dataclass(frozen=True)
class Collector:
    """How to list one resource type and read the details rules may need about each resource."""

    resource_type: str  # CloudFormation-style name, e.g. "AWS::RDS::DBInstance"
    service: str  # boto3 service name
    list_operation: str
    list_permission: str
    result_key: str  # JMESPath into the (paginated, merged) list response selecting the items
    id_field: str  # JMESPath to the id (a field name, or e.g. join() for records with no single id)
    # Declared by every collector (a test enforces it); None only so the field can sit here.
    recovery_role: RecoveryRole | None = None
    scope: Literal["regional", "global"] = "regional"
    list_params: Mapping[str, Any] = field(default_factory=dict)
    paginate: bool = True
    item_name: str | None = None  # list returns bare strings: wrap each as {item_name: value}
    arn_field: str | None = None
    arn_template: str | None = None  # format string over partition, region, account_id and item fields
    name_field: str | None = None  # JMESPath to the name, used when the resource has no Name tag
    tags_field: str | None = None  # item field (or detail key) holding tags, as a list of Key/Value or a dict
    details: tuple[Detail, ...] = ()
    not_configured: tuple[str, ...] = ()  # list error codes meaning "none here" (e.g. feature not enabled)
    # Child resources are listed once per parent resource (e.g. backup selections of a plan).
    parent: str | None = None
    parent_params: Mapping[str, str] = field(default_factory=dict)  # list param -> parent property
    # Global collectors run once per account; this tells each resource's own Region.
    region_of: Callable[[dict], str | None] | None = None
    # Per-Region settings (backup:DescribeRegionSettings, ecr:DescribeRegistry): the list call's
    # whole answer (result_key "@") is one resource per account and Region, whose id is the Region.
    singleton: bool = False

    def detail(self, key: str) -> Detail | None:
        return next((d for d in self.details if d.key == key), None)

    def permissions(self, detail_keys: set[str] | None = None) -> set[str]:
        """IAM actions needed to collect this type with the given details (None = all)."""
        actions = {self.list_permission}
        for d in self.details:
            if detail_keys is None or d.key in detail_keys or d.always:
                actions.add(d.permission)
        return actions
