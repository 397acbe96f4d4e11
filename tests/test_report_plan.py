"""The remediation plan's order: risk first (severity, the workloads' tier, resources), effort second,
and never an action before one it depends on (the catalogue's declared prerequisites)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from drcheck.errors import UserError
from drcheck.pipeline import load_catalogue
from drcheck.report.plan import PRIORITY_SENTENCE, remediation_plan, top_risks
from drcheck.ruleset.loader import RuleError
from drcheck.score import score
from tests.test_report_view import make_finding

SAME_REGION = "us-east-1"


def _plan(rules, findings, workloads=None, tier_count=0):
    by_rule: dict[str, list[dict]] = {}
    for f in findings:
        by_rule.setdefault(f["rule_id"], []).append(f)
    return remediation_plan(rules, by_rule, score(findings), 5, 2, workloads=workloads, tier_count=tier_count)


def _failures(rule, count, *, prefix=None, region=SAME_REGION):
    prefix = prefix or rule.id
    return [make_finding(rule, f"{prefix}-{i}", "FAIL", region=region) for i in range(count)]


def _declared(catalogue):
    by_id = {r.id: r for r in catalogue.rules}
    return [(by_id[r.id], by_id[required]) for r in catalogue.rules
            for required in r.remediation.get("requires") or ()]


def test_the_catalogue_declares_the_prerequisites_the_issue_names(catalogue):
    pairs = {(rule.id, required.id) for rule, required in _declared(catalogue)}
    assert ("s3-bucket-cross-region-replication", "s3-bucket-versioning") in pairs  # versioning before replication
    assert ("dynamodb-table-backup-plan", "backup-region-plans-exist") in pairs  # a plan before a selection
    assert ("ebs-volume-backup", "backup-region-plans-exist") in pairs
    assert ("s3-bucket-replication-time-control", "s3-bucket-cross-region-replication") in pairs
    # a vault before a copy: the copy's value <dr_vault_arn> creates the DR Region's vault first when the
    # scan found none (tests/test_fixes.py), so no plan action can copy into a vault that does not exist.


@pytest.mark.parametrize("heavier", [1, 8])
def test_no_action_comes_before_a_declared_prerequisite(catalogue, heavier):
    """For every declared pair, both failing on the same resource (or, across types, the same Region),
    whichever ranks higher on risk: the prerequisite still comes first."""
    pairs = _declared(catalogue)
    assert pairs, "the catalogue declares no prerequisites"
    for rule, required in pairs:
        if rule.resource_type == required.resource_type:
            findings = [make_finding(rule, "shared", "FAIL"), make_finding(required, "shared", "FAIL")]
            findings += _failures(rule, heavier - 1)
        else:
            findings = _failures(rule, heavier) + _failures(required, 1)
        ranks = {a["rule_id"]: a["rank"] for a in _plan(catalogue.rules, findings)}
        assert ranks[required.id] < ranks[rule.id], f"{rule.id} placed before its prerequisite {required.id}"


def test_random_plans_over_the_whole_catalogue_keep_every_prerequisite_first(catalogue):
    chooser = random.Random(11)
    for _ in range(20):
        chosen = chooser.sample(list(catalogue.rules), 40)
        for rule, required in _declared(catalogue):
            if chooser.random() < 0.6:
                chosen += [rule, required]
        findings = []
        for rule in {r.id: r for r in chosen}.values():
            findings += [make_finding(rule, f"shared-{rule.resource_type}", "FAIL")]
            findings += _failures(rule, chooser.randint(0, 4))
        actions = _plan(catalogue.rules, findings)
        rank = {a["rule_id"]: a["rank"] for a in actions}
        for action in actions:
            for required in action["requires"]:
                assert rank[required] < action["rank"], (action["rule_id"], required)


def test_a_prerequisite_on_another_resource_of_the_same_type_does_not_reorder(catalogue):
    by_id = {r.id: r for r in catalogue.rules}
    replication, versioning = by_id["s3-bucket-cross-region-replication"], by_id["s3-bucket-versioning"]
    findings = ([make_finding(replication, f"b-{i}", "FAIL") for i in range(5)]
                + [make_finding(versioning, "other-bucket", "FAIL")])
    actions = _plan(catalogue.rules, findings)
    assert [a["rule_id"] for a in actions] == [replication.id, versioning.id]
    assert actions[0]["requires"] == [] and actions[0]["after_ranks"] == []


def test_risk_first_severity_then_tier_then_resources_then_effort(catalogue):
    by_id = {r.id: r for r in catalogue.rules}
    critical = by_id["kms-key-not-pending-deletion"]  # critical, 1 resource
    low_many = by_id["rds-instance-copy-tags-to-snapshot"]  # low, 12 resources: more points
    high_setting = by_id["dynamodb-table-pitr"]  # high, setting
    high_migration = by_id["efs-file-system-multi-az"]  # high, migration
    high_tiered = by_id["rds-instance-multi-az"]  # high, setting, serves the critical workload
    findings = (_failures(critical, 1) + _failures(low_many, 12) + _failures(high_setting, 2)
                + _failures(high_migration, 2) + _failures(high_tiered, 1))
    workloads = {("111111111111", SAME_REGION, high_tiered.resource_type, f"{high_tiered.id}-0"):
                 {"workload": "orders", "tier": "critical", "tier_rank": 0}}
    actions = _plan(catalogue.rules, findings, workloads=workloads, tier_count=3)
    assert [a["rule_id"] for a in actions] == [critical.id, high_tiered.id, high_setting.id, high_migration.id,
                                               low_many.id]
    assert actions[-1]["points"] > actions[0]["points"], "points are a column, not the order"
    assert actions[1]["workloads"] == ["orders"] and actions[1]["tier"] == "critical"
    assert "risk first" in PRIORITY_SENTENCE.lower()


def test_top_risks_are_the_first_actions_of_the_plan(catalogue):
    chooser = random.Random(5)
    findings = []
    for rule in chooser.sample(list(catalogue.rules), 30):
        findings += _failures(rule, chooser.randint(1, 6))
    actions = _plan(catalogue.rules, findings)
    risks = top_risks(actions, rules=catalogue.rules)
    assert [r["anchor"] for r in risks] == [a["anchor"] for a in actions[:5]]


def test_unknown_or_cyclic_prerequisites_fail_at_load_time(tmp_path):
    source = (Path(__file__).resolve().parents[1] / "rules" / "s3" / "s3-bucket-versioning.yaml").read_text()
    folder = tmp_path / "s3"
    folder.mkdir()

    def write(rule_id: str, requires: list[str]) -> None:
        text = source.replace("id: s3-bucket-versioning", f"id: {rule_id}").replace(
            "  effort: setting\n", f"  effort: setting\n  requires: [{', '.join(requires)}]\n")
        (folder / f"{rule_id}.yaml").write_text(text)

    write("custom-a", ["no-such-rule"])
    with pytest.raises((RuleError, UserError), match="no rule 'no-such-rule'"):
        load_catalogue([tmp_path])
    write("custom-a", ["custom-b"])
    write("custom-b", ["custom-a"])
    with pytest.raises((RuleError, UserError), match="cycle"):
        load_catalogue([tmp_path])
