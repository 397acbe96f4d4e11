"""Issue 9, section 3: the collectors and rules over a corpus of real response shapes.

For every operation a collector calls: the API reference's example answer (tests/data/responses),
answers from before fields were added (`old`, with the verdicts they must give), and the smallest
answer botocore's shape allows. Each is checked against botocore's output shape, collected by the
real runner (every call answered through botocore's `before-call` hook) and judged by every rule:
no crash, no error, and no PASS that rests on absent data (the metamorphic hunt of
tests/metamorphic.py over the collected resources).
"""

from __future__ import annotations

from collections import Counter

import pytest

from drcheck.link import collected_at, link
from drcheck.pipeline import assess
from tests.corpus import check_shape, collect_answering, load_corpus, minimal_answers, operations
from tests.metamorphic import hunt_resources

CORPUS = load_corpus()


def _link(catalogue, inventory: dict) -> list[dict]:
    return link(inventory, catalogue.linkers).resources


@pytest.fixture(scope="module")
def collected(catalogue):
    """Inventories collected from the example, old and minimal answers."""
    examples = {key: entry["example"] for key, entry in CORPUS.items()}
    olds = {key: entry["old"]["response"] for key, entry in CORPUS.items() if "old" in entry}
    return {
        "example": collect_answering(catalogue.collectors, catalogue.linkers, examples),
        "old": collect_answering(catalogue.collectors, catalogue.linkers, {**examples, **olds}),
        "minimal": collect_answering(catalogue.collectors, catalogue.linkers, minimal_answers(catalogue.collectors),
                                     parsed=True),
    }


def test_every_operation_a_collector_calls_has_an_example(catalogue):
    called = operations(catalogue.collectors)
    assert sorted(called - set(CORPUS)) == []
    assert sorted(set(CORPUS) - called) == []  # no answer for a call nothing makes
    for key, entry in CORPUS.items():
        assert str(entry.get("source", "")).startswith("https://docs.aws.amazon.com/"), key


@pytest.mark.parametrize("key", sorted(CORPUS), ids=[f"{s}.{o}" for s, o in sorted(CORPUS)])
def test_answers_fit_botocore_shapes(key):
    entry = CORPUS[key]
    assert check_shape(*key, entry["example"]) == []
    if "old" in entry:
        assert check_shape(*key, entry["old"]["response"]) == []


def test_minimal_answers_fit_botocore_shapes(catalogue):
    from botocore.validate import validate_parameters

    from tests.corpus import output_shape

    for key, answer in minimal_answers(catalogue.collectors).items():
        validate_parameters(answer, output_shape(*key))


@pytest.mark.parametrize("kind", ["example", "old", "minimal"])
def test_collectors_and_rules_run_over_the_answers(catalogue, collected, kind):
    inventory = collected[kind]
    assert inventory["errors"] == []
    assert {c["status"] for c in inventory["collections"]} == {"ok"}
    assert set(catalogue.collectors) <= {r["resource_type"] for r in inventory["resources"]}
    findings = assess(catalogue, inventory).findings
    broken = [f"{f['rule_id']}: {f['reason']}" for f in findings if "could not be evaluated" in (f.get("reason") or "")]
    assert broken == []
    judged = {f["rule_id"] for f in findings}
    assert judged == {r.id for r in catalogue.rules}
    if kind == "example":  # the examples describe a well-run account: most rules pass on it
        assert Counter(f["status"] for f in findings)["PASS"] > len(catalogue.rules) * 0.6


@pytest.mark.parametrize("kind", ["example", "old", "minimal"])
def test_no_pass_rests_on_absent_data(catalogue, collected, kind):
    inventory = collected[kind]
    flags, hunted = hunt_resources(catalogue.rules, _link(catalogue, inventory), collected_at(inventory))
    assert hunted > 20
    assert [str(f) for f in flags] == []


def test_old_answers_give_the_documented_verdicts(catalogue, collected):
    """`expect: {rule: STATUS}`: the rule's verdict on every resource it judges (those it does not
    judge aside, unless STATUS is NOT_APPLICABLE)."""
    expected = {rule: status for entry in CORPUS.values() if "old" in entry
                for rule, status in (entry["old"].get("expect") or {}).items()}
    found: dict[str, set[str]] = {}
    for finding in assess(catalogue, collected["old"]).findings:
        found.setdefault(finding["rule_id"], set()).add(finding["status"])
    judged = {rule: sorted(statuses - {"NOT_APPLICABLE"} if expected.get(rule) != "NOT_APPLICABLE" else statuses)
              for rule, statuses in found.items()}
    assert {rule: judged.get(rule) for rule in expected} == {rule: [status] for rule, status in expected.items()}
