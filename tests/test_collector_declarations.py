"""Every collector declaration checked against botocore's own API models.

A typo in an operation, parameter, result key or pagination flag would otherwise surface only
against a real account (moto forgives much). The IAM permission of each call is checked too:
its prefix is the service's signing name and its action the operation's name, except for the
few S3 operations whose IAM action is named differently (listed here, with AWS's names).
"""

from __future__ import annotations

import re

import botocore.session
import jmespath
import pytest
from botocore.model import ListShape, StructureShape

from drcheck.collectors import all_collectors
from drcheck.ruleset.fields import _ANY, _select

COLLECTORS = all_collectors()
CORE = botocore.session.get_session()
PERMISSION = re.compile(r"^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$")
# Operations whose IAM action is not the operation's name (AWS Service Authorization Reference).
IAM_ACTION_OF = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketReplication": "s3:GetReplicationConfiguration",
    "s3:GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "s3:GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "s3:HeadBucket": "s3:ListBucket",
}


def _model(service: str):
    return CORE.get_service_model(service)


def _has_paginator(service: str, operation: str) -> bool:
    try:
        return CORE.get_paginator_model(service).get_paginator(operation) is not None
    except ValueError:
        return False


def _expected_permission(service: str, operation: str) -> str:
    metadata = _model(service).metadata
    prefix = metadata.get("signingName") or metadata["endpointPrefix"]
    return IAM_ACTION_OF.get(f"{prefix}:{operation}", f"{prefix}:{operation}")


def _item_shape(collector):
    model = _model(collector.service)
    item = _select(model.operation_model(collector.list_operation).output_shape, collector.result_key)
    return item.member if isinstance(item, ListShape) else item


def _roots(node: dict) -> set[str]:
    """Properties a JMESPath AST reads at its top level (`Table.TableArn` -> Table,
    `join(' ', [Name, Type])` -> Name, Type)."""
    kind, children = node.get("type"), node.get("children") or []
    if kind == "field":
        return {node["value"]}
    if kind in ("subexpression", "index_expression", "projection", "filter_projection", "flatten", "pipe"):
        return _roots(children[0]) if children else set()
    found: set[str] = set()
    for child in children:
        if isinstance(child, dict):
            found |= _roots(child)
    return found


def _first_fields(expression: str) -> set[str]:
    return _roots(jmespath.compile(expression).parsed)


@pytest.mark.parametrize("collector", COLLECTORS.values(), ids=list(COLLECTORS))
def test_list_call_matches_botocore(collector):
    model = _model(collector.service)
    assert collector.list_operation in model.operation_names
    operation = model.operation_model(collector.list_operation)
    inputs = set(operation.input_shape.members) if operation.input_shape else set()
    assert set(collector.list_params) <= inputs, f"unknown list params {set(collector.list_params) - inputs}"
    assert set(collector.parent_params) <= inputs
    if collector.paginate:
        assert _has_paginator(collector.service, collector.list_operation), (
            f"{collector.list_operation} has no botocore paginator: declare paginate=False")
    else:
        assert not _has_paginator(collector.service, collector.list_operation), (
            f"{collector.list_operation} has a paginator: declaring paginate=False would read one page only")
    item = _item_shape(collector)
    assert item is not _ANY and item is not None, f"result_key {collector.result_key!r} does not resolve"
    assert PERMISSION.match(collector.list_permission)
    assert collector.list_permission == _expected_permission(collector.service, collector.list_operation)
    if getattr(collector, "singleton", False):
        return  # one resource per account and Region: its id is the Region
    if collector.item_name:
        assert collector.id_field == collector.item_name
    else:
        assert isinstance(item, StructureShape)
        # Child resources also carry their parent's identifying parameters.
        assert _first_fields(collector.id_field) <= set(item.members) | set(collector.parent_params)


@pytest.mark.parametrize("collector", COLLECTORS.values(), ids=list(COLLECTORS))
def test_identity_fields_resolve(collector):
    item = _item_shape(collector)
    known = set(item.members) if isinstance(item, StructureShape) else {collector.item_name}
    known |= {d.key for d in collector.details} | set(collector.parent_params)
    for name in (collector.arn_field, collector.name_field, collector.tags_field):
        if name:
            assert _first_fields(name) <= known, f"{name!r} is neither a list field nor a detail key"
    if collector.arn_template:
        fields = set(re.findall(r"{(\w+)}", collector.arn_template)) - {"partition", "region", "account_id"}
        assert fields <= known


DETAILS = [(c, d) for c in COLLECTORS.values() for d in c.details]


@pytest.mark.parametrize("collector,detail", DETAILS, ids=[f"{c.resource_type}:{d.key}" for c, d in DETAILS])
def test_detail_calls_match_botocore(collector, detail):
    model = _model(collector.service)
    assert detail.operation in model.operation_names
    operation = model.operation_model(detail.operation)
    inputs = operation.input_shape.members if operation.input_shape else {}
    for param in (*detail.params, *detail.constant_params):
        assert param in inputs, f"{detail.operation} has no parameter {param!r}"
    for param in operation.input_shape.required_members if operation.input_shape else ():
        assert param in detail.params or param in detail.constant_params, f"required {param!r} not passed"
    # Parameters are read from the list item or from details declared before this one.
    item = _item_shape(collector)
    earlier = {d.key for d in collector.details[:collector.details.index(detail)]}
    available = (set(item.members) if isinstance(item, StructureShape) else {collector.item_name}) | earlier
    available |= set(collector.parent_params)
    for expression in detail.params.values():
        jmespath.compile(expression)
        if getattr(detail, "each", None) is None:  # per-item details read their parameters from the item
            assert _first_fields(expression) <= available, f"{expression!r} is not available before {detail.key}"
    if detail.result:
        assert _select(operation.output_shape, detail.result) is not _ANY, f"result {detail.result!r} does not resolve"
    if detail.paginate:
        assert _has_paginator(collector.service, detail.operation), f"{detail.operation} has no paginator"
    assert PERMISSION.match(detail.permission)
    assert detail.permission == _expected_permission(collector.service, detail.operation)
    for code in detail.not_configured:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9.]+", code)


def test_detail_keys_are_unique_and_do_not_shadow_list_fields():
    for collector in COLLECTORS.values():
        keys = [d.key for d in collector.details]
        assert len(keys) == len(set(keys)), collector.resource_type
        item = _item_shape(collector)
        members = set(item.members) if isinstance(item, StructureShape) else set()
        # A detail may store tags under the list field's own name (it fills what the list lacks).
        shadowed = {k for k in keys if k in members and k != collector.tags_field}
        assert not shadowed, f"{collector.resource_type}: detail keys {shadowed} hide list fields"


def test_the_check_can_fail():
    """A misspelt operation parameter must be caught by the same check."""
    from dataclasses import replace

    collector = COLLECTORS["AWS::DynamoDB::Table"]
    broken = replace(collector.details[0], params={"TableNmae": "TableName"})
    with pytest.raises(AssertionError, match="no parameter 'TableNmae'"):
        test_detail_calls_match_botocore(collector, broken)
