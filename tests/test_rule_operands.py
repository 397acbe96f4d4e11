"""Rule operands and examples are checked at load time; what slips through is contained per finding."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from drcheck.collectors import all_collectors
from drcheck.linkers import load_linkers
from drcheck.model import Status
from drcheck.paths import builtin_rules_dir
from drcheck.ruleset.loader import RuleError, load_rules


def write_rule(folder: Path, condition: dict, *, examples: list | None = None, parameters: dict | None = None) -> Path:
    data = yaml.safe_load((builtin_rules_dir() / "s3" / "s3-bucket-versioning.yaml").read_text())
    data.update(id="s3-bucket-custom", title="A custom bucket rule", condition=condition)
    data.pop("applies_when", None)
    if parameters is not None:
        data["parameters"] = parameters
    else:
        data.pop("parameters", None)
    data["examples"] = examples or [
        {"name": "a", "status": "PASS", "resource": {"properties": {}}},
        {"name": "b", "status": "FAIL", "resource": {"properties": {}}},
    ]
    (folder / "s3").mkdir(parents=True, exist_ok=True)
    path = folder / "s3" / "s3-bucket-custom.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def load(folder: Path):
    return load_rules([folder], collectors=all_collectors(), linkers=load_linkers())


@pytest.mark.parametrize("condition,message", [
    ({"field": "tags.team", "length_gte": "2"}, "length_gte needs a whole number"),
    ({"field": "tags.team", "length_gte": -1}, "length_gte needs a whole number"),
    ({"field": "tags.team", "distinct_gte": 1.5}, "distinct_gte needs a whole number"),
    ({"field": "tags.team", "gte": "5"}, "gte needs a number"),
    ({"field": "tags.team", "lt": True}, "lt needs a number"),
    ({"field": "tags.team", "age_days_lte": None}, "age_days_lte needs a number"),
    ({"field": "tags.team", "matches": 5}, "matches needs a regular expression"),
    ({"field": "tags.team", "matches": "("}, "bad regular expression"),
    ({"field": "tags.team", "contains": {"a": 1}}, "contains needs a text"),
    ({"field": "tags.team", "exists": "yes"}, "exists needs true or false"),
    ({"field": "tags.team", "in": "abc"}, "in needs a list"),
    ({"field": "BucketVersioning.Status", "contains": 5}, "is text: contains needs text"),
    ({"field": "BucketVersioning.Status", "contains": {"param": "n"}}, "is text: contains needs text"),
    ({"field": "BucketVersioning", "matches": "x"}, "is a structure: matches reads text"),
])
def test_operand_types_are_checked_at_load(tmp_path, condition, message):
    path = write_rule(tmp_path, condition, parameters={"n": {"default": 3, "description": "a number"}})
    with pytest.raises(RuleError, match=message) as error:
        load(tmp_path)
    assert str(error.value).startswith(f"{path}:")


@pytest.mark.parametrize("example,message", [
    ({"now": "yesterday"}, "now: 'yesterday' is not an ISO 8601"),
    ({"params": {"nope": 1}}, "params: unknown parameter 'nope'"),
    ({"params": {"n": "three"}}, "params.n: expected a value like 3"),
    ({"params": {"n": True}}, "params.n: expected a value like 3"),
    ({"resource": {"unavailable": {"BucketVersioning": "denied"}}}, "is not of type 'object'"),
    ({"resource": {"tags": {"team": 5}}}, "is not of type 'string'"),
])
def test_bad_examples_are_refused_at_load(tmp_path, example, message):
    examples = [{"name": "a", "status": "PASS", "resource": {"properties": {}}, **example},
                {"name": "b", "status": "FAIL", "resource": {"properties": {}}}]
    write_rule(tmp_path, {"field": "tags.team", "length_gte": {"param": "n"}}, examples=examples,
               parameters={"n": {"default": 3, "description": "a number"}})
    with pytest.raises(RuleError, match=message):
        load(tmp_path)


def test_a_naive_example_time_is_utc(tmp_path):
    examples = [{"name": "a", "status": "PASS", "now": "2026-01-20T00:00:00",
                 "resource": {"properties": {"CreationDate": "2026-01-19T00:00:00Z"}}},
                {"name": "b", "status": "FAIL", "now": "2026-03-01T00:00:00",
                 "resource": {"properties": {"CreationDate": "2026-01-19T00:00:00Z"}}}]
    write_rule(tmp_path, {"field": "CreationDate", "age_days_lte": 7}, examples=examples)
    from drcheck.ruleset.examples import example_failures

    [rule] = load(tmp_path)
    assert example_failures(rule) == []


def test_an_evaluation_error_is_one_unknown_finding(tmp_path):
    """Whatever a resource holds, judging it never raises: that finding is UNKNOWN with the reason."""
    write_rule(tmp_path, {"field": "tags.team", "matches": {"param": "pattern"}},
               parameters={"pattern": {"default": "^core", "description": "team pattern"}})
    [rule] = load(tmp_path)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    resource = {"properties": {}, "tags": {"team": "core"}, "unavailable": {}}
    assert rule.judge(resource, now, {"pattern": "^core"})["status"] == Status.PASS
    # A parameter override of the wrong type (drcheck.yaml) reaches evaluation: contained, not a crash.
    verdict = rule.judge(resource, now, {"pattern": ["^core"]})
    assert verdict["status"] == Status.UNKNOWN
    assert "could not be evaluated" in verdict["reason"] and "TypeError" in verdict["reason"]
