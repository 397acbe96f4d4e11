"""The condition language: three-valued logic, operators, and load-time errors."""

from datetime import UTC, datetime

import pytest

from drcheck.ruleset.conditions import ConditionError, Context, compile_condition

NOW = datetime(2026, 1, 15, tzinfo=UTC)


def run(spec, properties=None, derived=None, unavailable=None, params=None, tags=None):
    node = compile_condition(spec, params or {})
    resource = {"properties": properties or {}, "derived": derived or {}, "unavailable": unavailable or {},
                "tags": tags or {}, "id": "r-1", "region": "us-east-1"}
    return node.evaluate(Context(resource, params or {}, NOW))


def test_leaf_true_false_and_evidence():
    outcome = run({"field": "MultiAZ", "equals": True}, {"MultiAZ": True})
    assert outcome.value is True and outcome.evidence == {"MultiAZ": True}
    assert run({"field": "MultiAZ", "equals": True}, {"MultiAZ": False}).value is False


def test_absent_field_is_unknown_unless_default():
    outcome = run({"field": "MultiAZ", "equals": True}, {})
    assert outcome.value is None and "not in the API response" in outcome.reasons[0]
    assert run({"field": "Status", "equals": "Enabled", "default": "Off"}, {}).value is False


def test_unavailable_detail_is_unknown_with_reason():
    outcome = run({"field": "Versioning.Status", "equals": "Enabled"}, {},
                  unavailable={"Versioning": {"reason": "GetBucketVersioning failed: AccessDenied"}})
    assert outcome.value is None
    assert "AccessDenied" in outcome.reasons[0]


def test_null_parent_means_known_absent():
    # A "not configured" detail is stored as null: everything below it is null, a real answer.
    outcome = run({"field": "Replication.Rules", "empty": True}, {"Replication": None})
    assert outcome.value is True


def test_exists_reads_absent_as_an_answer():
    assert run({"field": "AvailabilityZoneName", "exists": False}, {}).value is True
    assert run({"field": "AvailabilityZoneName", "exists": False}, {"AvailabilityZoneName": "a"}).value is False


@pytest.mark.parametrize("kind,children,expected", [
    ("all", [True, True], True), ("all", [True, False], False), ("all", [None, False], False),
    ("all", [True, None], None), ("any", [False, True], True), ("any", [None, True], True),
    ("any", [False, None], None), ("any", [False, False], False),
])
def test_three_valued_all_any(kind, children, expected):
    properties, leaves = {}, []
    for i, value in enumerate(children):
        if value is not None:
            properties[f"F{i}"] = value
        leaves.append({"field": f"F{i}", "equals": True})
    assert run({kind: leaves}, properties).value is expected


def test_not_keeps_unknown_unknown():
    assert run({"not": {"field": "X", "equals": 1}}, {}).value is None
    assert run({"not": {"field": "X", "equals": 1}}, {"X": 2}).value is True


def test_quantifiers():
    items = {"Rules": [{"Status": "Enabled", "Cross": False}, {"Status": "Enabled", "Cross": True}]}
    any_item = {"field": "Rules", "any_item": {"field": "Cross", "equals": True}}
    all_item = {"field": "Rules", "all_item": {"field": "Status", "equals": "Enabled"}}
    no_item = {"field": "Rules", "no_item": {"field": "Status", "equals": "Disabled"}}
    assert run(any_item, items).value is True
    assert run(all_item, items).value is True
    assert run(no_item, items).value is True
    assert run(any_item, {"Rules": []}).value is False
    assert run(any_item, {"Rules": None}).value is False


def test_quantifier_unknown_item_field():
    items = {"Rules": [{"Status": "Enabled", "_unavailable": {"Cross": {"reason": "destination Region unknown"}}}]}
    outcome = run({"field": "Rules", "any_item": {"field": "Cross", "equals": True}}, items)
    assert outcome.value is None and "destination Region unknown" in outcome.reasons[0]
    # ...but a True item elsewhere decides it.
    items["Rules"].append({"Cross": True})
    assert run({"field": "Rules", "any_item": {"field": "Cross", "equals": True}}, items).value is True


def test_params_and_numbers():
    spec = {"field": "BackupRetentionPeriod", "gte": {"param": "days"}}
    assert run(spec, {"BackupRetentionPeriod": 7}, params={"days": 7}).value is True
    assert run(spec, {"BackupRetentionPeriod": 6}, params={"days": 7}).value is False
    assert run(spec, {"BackupRetentionPeriod": None}, params={"days": 7}).value is False


def test_age_operators():
    assert run({"field": "T", "age_days_lte": 7}, {"T": "2026-01-14T00:00:00+00:00"}).value is True
    assert run({"field": "T", "age_days_lte": 7}, {"T": "2025-01-14T00:00:00+00:00"}).value is False
    assert run({"field": "T", "age_days_lte": 7}, {"T": None}).value is False
    assert run({"field": "T", "age_days_gt": 7}, {"T": None}).value is True


def test_derived_not_computed_is_unknown():
    outcome = run({"field": "derived.backup_plans", "length_gte": 1})
    assert outcome.value is None and "not computed" in outcome.reasons[0]


def test_tags_and_resource_fields():
    assert run({"field": "tags.env", "equals": "prod"}, tags={"env": "prod"}).value is True
    assert run({"field": "tags.env", "equals": "prod"}).value is False
    assert run({"field": "resource.region", "equals": "us-east-1"}).value is True


@pytest.mark.parametrize("spec,message", [
    ({"field": "X", "equal": 1}, "unknown operator 'equal'"),
    ({"field": "X", "equals": 1, "gte": 2}, "exactly one operator"),
    ({"field": "X"}, "exactly one operator"),
    ({"all": []}, "non-empty list"),
    ({"all": [{"field": "X", "equals": 1}], "any": []}, "must stand alone"),
    ({"field": "X", "gte": "seven"}, "needs a number"),
    ({"field": "X", "gte": {"param": "nope"}}, "unknown parameter"),
    ({"field": "X", "in": "abc"}, "needs a list"),
    ({"field": "X", "matches": "("}, "bad regular expression"),
    ({"field": "bad path!", "equals": 1}, "bad field path"),
    ([1, 2], "expected a mapping"),
])
def test_compile_errors(spec, message):
    with pytest.raises(ConditionError, match=message):
        compile_condition(spec, {})


def test_projection_collects_item_fields():
    nodes = {"Nodes": [{"AvailabilityZone": "a"}, {"AvailabilityZone": "b"}, {"NodeId": "no-zone-yet"}]}
    assert run({"field": "Nodes[].AvailabilityZone", "length_gte": 2}, nodes).value is True
    outcome = run({"field": "Nodes[].AvailabilityZone", "distinct_gte": 2}, nodes)
    assert outcome.value is True and outcome.evidence == {"Nodes[].AvailabilityZone": ["a", "b"]}
    same = {"Nodes": [{"AvailabilityZone": "a"}, {"AvailabilityZone": "a"}]}
    assert run({"field": "Nodes[].AvailabilityZone", "distinct_gte": 2}, same).value is False


def test_nested_projection_flattens():
    groups = {"NodeGroups": [{"Members": [{"Zone": "a"}, {"Zone": "b"}]}, {"Members": [{"Zone": "c"}]}]}
    outcome = run({"field": "NodeGroups[].Members[].Zone", "distinct_gte": 3}, groups)
    assert outcome.value is True and outcome.evidence["NodeGroups[].Members[].Zone"] == ["a", "b", "c"]


def test_projection_of_missing_or_null_list():
    assert run({"field": "Nodes[].AvailabilityZone", "distinct_gte": 1}, {"Nodes": None}).value is False
    assert run({"field": "Nodes[].AvailabilityZone", "distinct_gte": 1}, {}).value is None
    outcome = run({"field": "Nodes[].AvailabilityZone", "distinct_gte": 1}, {},
                  unavailable={"Nodes": {"reason": "DescribeClusters failed: AccessDenied"}})
    assert outcome.value is None and "AccessDenied" in outcome.reasons[0]


def test_projection_unknown_item_is_unknown():
    items = {"Rules": [{"Zone": "a"}, {"_unavailable": {"Zone": {"reason": "zone not known"}}}]}
    outcome = run({"field": "Rules[].Zone", "distinct_gte": 1}, items)
    assert outcome.value is None and "zone not known" in outcome.reasons[0]


def test_projection_over_derived_list():
    derived = {"replicas": [{"RegionName": "eu-west-1"}, {"RegionName": "us-west-2"}]}
    assert run({"field": "derived.replicas[].RegionName", "distinct_gte": 2}, derived=derived).value is True
    outcome = run({"field": "derived.replicas[].RegionName", "distinct_gte": 2},
                  unavailable={"derived.replicas": {"reason": "DescribeTable failed"}})
    assert outcome.value is None and "DescribeTable failed" in outcome.reasons[0]


def test_distinct_needs_a_number_and_path_may_not_end_in_projection():
    with pytest.raises(ConditionError, match="needs a whole number"):
        compile_condition({"field": "Nodes[].Zone", "distinct_gte": "two"}, {})
    with pytest.raises(ConditionError, match="bad field path"):
        compile_condition({"field": "Nodes[]", "length_gte": 1}, {})
