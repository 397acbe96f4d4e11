"""Issue 9, section 3: no PASS (or NOT_APPLICABLE) rests on a missing value, over the whole catalogue.

For every rule and every resource it judges favourably (its own PASS examples, the demo account
and fuzzed copies of it), each field and derived fact the rule reads is removed or marked unknown
in turn; a favourable verdict that a value at that spot could change is a false PASS (see
tests/metamorphic.py). Then every input the linkers read is removed, marked failed or unlisted
on the whole demo inventory, with the same test. Everything runs through the catalogue and
`assess`; only `_link` knows how the link stage is reached.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from drcheck.link import collected_at, link
from drcheck.pipeline import assess
from drcheck.ruleset.conditions import compile_condition
from tests.metamorphic import fuzzed, hunt, hunt_examples, hunt_resources, linker_input_flags

FUZZ_SEEDS = (1, 2, 3)
# Linker inputs whose removal a linker answers from another real field, so a value there that
# contradicts that field (only a perturbation can make one) is no evidence of a false PASS.
ANSWERED_ELSEWHERE = {
    # GetLifecyclePolicies' State is a shortcut; GetLifecyclePolicy's own State decides.
    ("AWS::DLM::LifecyclePolicy", "State"),
}


def _link(catalogue, inventory: dict) -> list[dict]:
    """The inventory's resources with their derived facts (the link stage)."""
    return link(inventory, catalogue.linkers).resources


def _verdicts(catalogue, inventory: dict) -> dict[tuple[str, str], str]:
    return {(f["rule_id"], f"{f['region']} {f['resource_id']}"): f["status"]
            for f in assess(catalogue, inventory).findings if f["resource_id"] != "*"}


@pytest.fixture(scope="module")
def demo_inventory(demo_assessment):
    """The demo company's inventory, as scanned once per test process (tests/conftest.py)."""
    return demo_assessment.inventory


# -- the hook itself can fail --------------------------------------------------------------------------

def test_the_hunt_finds_a_default_that_passes_on_a_missing_value(catalogue):
    rule = next(r for r in catalogue.rules if r.id == "rds-instance-deletion-protection")
    lenient = replace(rule, condition=compile_condition(
        {"field": "DeletionProtection", "equals": True, "default": True}, {}))
    record = {"resource_type": rule.resource_type, "id": "db", "region": "us-east-1", "account_id": "1",
              "properties": {"DeletionProtection": True}, "derived": {}, "unavailable": {}, "tags": {}}
    flags = hunt(lenient, record, collected_at({}), {}, "hand-made")
    assert [(f.mutation, f.location, f.flipped_to) for f in flags] == [
        ("remove", "properties.DeletionProtection", ("FAIL",))]
    documented = replace(rule, condition=compile_condition(
        {"field": "DeletionProtection", "equals": True, "default": True, "absence_source": "https://docs.aws.amazon.com/x"},
        {}))
    assert hunt(documented, record, collected_at({}), {}, "hand-made") == []


def test_the_hunt_finds_a_linker_that_reads_a_missing_input_as_none(catalogue, demo_inventory):
    """The opt-in linker as it was: no ResourceTypeOptInPreference read as "nothing opted out"."""
    from drcheck.linkers import Linker

    def careless(index):
        for settings in index.of_type("AWS::Backup::RegionSettings"):
            preferences = settings["properties"].get("ResourceTypeOptInPreference") or {}
            in_use = {"EBS", "EC2", "RDS", "S3", "DynamoDB", "EFS"}
            index.set_derived(settings, "opted_out_types_in_use",
                              [{"ResourceType": t} for t in sorted(in_use) if preferences.get(t) is False])

    linkers = tuple(linker for linker in catalogue.linkers if linker.name != "backup-region-facts")
    linkers += (Linker(name="careless-opt-ins", provides={"AWS::Backup::RegionSettings": (
        "opted_out_types_in_use", "protectable_resource_count")}, reads={"AWS::Backup::RegionSettings": ()},
        link=lambda index: (careless(index), [index.set_derived(s, "protectable_resource_count", 1)
                                              for s in index.of_type("AWS::Backup::RegionSettings")])),)
    broken = replace(catalogue, linkers=linkers, rules=tuple(
        r for r in catalogue.rules if r.id == "backup-region-resource-types-opted-in"))
    flags, _ = linker_input_flags(demo_inventory, lambda inv: _verdicts(broken, inv), lambda inv: _link(broken, inv),
                                  broken.collectors)
    assert {(f.mutation, f.key, f.verdict) for f in flags} == {("remove", "ResourceTypeOptInPreference", "PASS")}


# -- the hunt over the catalogue -------------------------------------------------------------------------

def test_no_rule_example_passes_on_a_missing_value(catalogue):
    flags, hunted = hunt_examples(catalogue.rules)
    assert hunted >= len(catalogue.rules)  # every rule has at least one PASS example
    assert [str(f) for f in flags] == []


def test_no_demo_verdict_passes_on_a_missing_value(catalogue, demo_inventory):
    flags, hunted = hunt_resources(catalogue.rules, _link(catalogue, demo_inventory), collected_at(demo_inventory))
    assert hunted > 50
    assert [str(f) for f in flags] == []


@pytest.mark.parametrize("seed", FUZZ_SEEDS)
def test_no_fuzzed_demo_verdict_passes_on_a_missing_value(catalogue, demo_inventory, seed):
    inventory = fuzzed(demo_inventory, seed)
    flags, hunted = hunt_resources(catalogue.rules, _link(catalogue, inventory), collected_at(inventory))
    assert hunted > 30
    assert [str(f) for f in flags] == []


def test_no_linker_input_that_is_missing_lets_a_verdict_pass(catalogue, demo_inventory):
    flags, tried = linker_input_flags(demo_inventory, lambda inv: _verdicts(catalogue, inv),
                                      lambda inv: _link(catalogue, inv), catalogue.collectors, ANSWERED_ELSEWHERE)
    assert tried > 50
    assert [str(f) for f in flags] == []
