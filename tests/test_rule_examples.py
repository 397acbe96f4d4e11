"""Every rule's own examples: the one test hook that keeps each rule honest."""

import pytest

from drcheck.pipeline import load_catalogue
from drcheck.ruleset.examples import example_failures

RULES = load_catalogue().rules


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule):
    assert example_failures(rule) == []


def test_examples_can_fail(catalogue):
    """The hook itself must be able to fail: flip one example's expected verdict."""
    rule = next(r for r in catalogue.rules if r.id == "rds-instance-multi-az")
    broken = list(rule.examples)
    broken[0] = {**broken[0], "status": "FAIL"}
    from dataclasses import replace

    failures = example_failures(replace(rule, examples=tuple(broken)))
    assert len(failures) == 1 and "expected FAIL, got PASS" in failures[0]


def test_builtin_rule_fields_exist_in_the_api_shapes(catalogue):
    """Scans trust drcheck's own rules (no shape check at load); this is where they are checked."""
    from drcheck.paths import builtin_rules_dir
    from drcheck.ruleset.loader import load_rules

    rules = load_rules([builtin_rules_dir()], collectors=catalogue.collectors, linkers=catalogue.linkers)
    assert len(rules) == len(catalogue.rules)
