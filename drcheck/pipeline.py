"""The stages wired together: catalogue → plan → collect → evaluate → score → documents.

`scan`, `demo` and `assess` all come through here, so they produce the same files the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drcheck import __version__
from drcheck.collect.plan import Plan, make_plan
from drcheck.collect.runner import AccountTarget, collect
from drcheck.collect.workers import Deadlines
from drcheck.collectors import Collector, all_collectors
from drcheck.diff import diff_findings
from drcheck.errors import UserError
from drcheck.evaluate import evaluate
from drcheck.link import link
from drcheck.linkers import Linker, load_linkers
from drcheck.model import FINDINGS_SCHEMA_VERSION, SEVERITY_WEIGHTS, Status
from drcheck.paths import builtin_rules_dir
from drcheck.ruleset.loader import load_rules
from drcheck.ruleset.rule import Rule
from drcheck.score import score
from drcheck.suppressions import Suppression, apply_suppressions


@dataclass(frozen=True)
class Catalogue:
    collectors: Mapping[str, Collector]
    linkers: tuple[Linker, ...]  # in link order: providers before readers
    rules: tuple[Rule, ...]
    objectives: Any = None  # drcheck.objectives.stage.Objectives, when the run estimates recovery objectives
    # Every rule loaded, selected or not: settings and suppressions may name a rule --only left out.
    available: tuple[Rule, ...] = ()

    def plan(self) -> Plan:
        """The calls the selected rules need, plus what the objectives model reads (when enabled)."""
        needs = [(r.resource_type, r.field_roots()) for r in self.rules]
        if self.objectives is not None:
            needs += self.objectives.needs()
        return make_plan(needs, self.collectors, self.linkers)


def load_catalogue(
    extra_rule_dirs: Sequence[Path] = (),
    *,
    only: Iterable[str] = (),
    skip: Iterable[str] = (),
    include_builtin: bool = True,
    objectives: bool = False,
    objectives_settings: Any = None,
) -> Catalogue:
    """Collectors, linkers, the selected rules (by id, service or category) and, when asked, the
    recovery-objectives model with its workload and tier settings."""
    collectors = all_collectors()
    linkers = load_linkers()
    directories = ([builtin_rules_dir()] if include_builtin else []) + list(extra_rule_dirs)
    rules = load_rules(directories, collectors=collectors, linkers=linkers,
                       trusted=[builtin_rules_dir()] if include_builtin else [])
    model = None
    if objectives:
        from drcheck.objectives.stage import load_objectives

        model = load_objectives(collectors, linkers, objectives_settings)
    return Catalogue(collectors, linkers, tuple(select_rules(rules, only, skip)), model, tuple(rules))


_SELECTOR = re.compile(r"(?P<kind>rule|service|category):(?P<name>.+)")


def select_rules(rules: Iterable[Rule], only: Iterable[str], skip: Iterable[str]) -> list[Rule]:
    """Keep rules matching any `only` selector (all when none), minus any matching `skip`.

    A selector is `rule:ID`, `service:NAME` or `category:NAME`; a bare name selects whatever has it
    as rule id, service or category (`backup` is both a service and a category: both are selected).
    One that matches nothing is a user error, because a typo would otherwise silently drop the
    checks the user asked for.
    """
    rules = list(rules)
    only, skip = list(only), list(skip)

    def matches(rule: Rule, selector: str) -> bool:
        kinded = _SELECTOR.fullmatch(selector)
        if kinded:
            return kinded["name"] == {"rule": rule.id, "service": rule.service, "category": rule.category}[kinded["kind"]]
        return selector in (rule.id, rule.service, rule.category)

    for selector in only + skip:
        if not any(matches(r, selector) for r in rules):
            raise UserError(f"--only/--skip: {selector!r} is not a rule id, service or category "
                            "(or rule:ID, service:NAME, category:NAME)")
    chosen = [r for r in rules if not only or any(matches(r, s) for s in only)]
    chosen = [r for r in chosen if not any(matches(r, s) for s in skip)]
    if not chosen:
        raise UserError("no rules selected")
    return chosen


def run_collection(
    catalogue: Catalogue,
    accounts: list[AccountTarget],
    *,
    client_factory: Callable[[Any, str, str], Any],
    max_workers: int,
    progress: Callable[[int, int, str], None] | None = None,
    unreachable: list[dict] | None = None,
    deadlines: Deadlines | None = None,
) -> dict:
    return collect(catalogue.plan(), accounts, client_factory=client_factory, max_workers=max_workers,
                   progress=progress, unreachable=unreachable, deadlines=deadlines)


@dataclass(frozen=True)
class Assessment:
    inventory: Mapping[str, Any]
    findings: list[dict]
    scorecard: dict[str, Any]  # every finding counted, as assessed
    rules: tuple[Rule, ...]
    generated_at: str
    # With a suppressions file: the score with accepted risks left out, and what applied or expired.
    scorecard_with_suppressions: dict[str, Any] | None = None
    suppressions: dict[str, Any] | None = None
    baseline: dict[str, Any] | None = None  # diff against an earlier assessment (--baseline)
    objectives: dict[str, Any] | None = None  # drcheck.objectives.document; None when not estimated
    history: tuple[dict[str, Any], ...] = ()  # earlier runs of the same scope (drcheck.history), oldest first

    def findings_document(self) -> dict[str, Any]:
        """findings.json (schema documented in docs/findings-schema.md)."""
        return {
            "schema_version": FINDINGS_SCHEMA_VERSION,
            "tool": f"drcheck {__version__}",
            "generated_at": self.generated_at,
            "inventory_generated_at": self.inventory.get("generated_at"),
            "accounts": [a["account_id"] for a in self.inventory.get("accounts", [])],
            "regions": list(self.inventory.get("regions", [])),
            "unreachable_accounts": list(self.inventory.get("unreachable_accounts", [])),
            "score": _score_summary(self.scorecard),
            **({"score_with_suppressions": _score_summary(self.scorecard_with_suppressions),
                "suppressions": self.suppressions}
               if self.suppressions is not None and self.scorecard_with_suppressions is not None else {}),
            **({"baseline": {k: v for k, v in self.baseline.items() if k in (
                "old_generated_at", "overall", "by_category", "by_account", "counts")}}
               if self.baseline is not None else {}),
            "rules": [
                {"id": r.id, "title": r.title, "service": r.service, "category": r.category,
                 "severity": r.severity, "resource_type": r.resource_type}
                for r in self.rules
            ],
            "findings": self.findings,
        }


def _score_summary(card: Mapping[str, Any]) -> dict[str, Any]:
    return {key: card[key] for key in ("overall", "grade", "coverage", "counts", "by_category", "by_service",
                                       "by_account", "formula")}


def assess(
    catalogue: Catalogue,
    inventory: Mapping[str, Any],
    *,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    suppressions: list[Suppression] | None = None,
    baseline: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> Assessment:
    """Link, evaluate, apply suppressions (when given), score, compare with a baseline (when
    given), and estimate recovery objectives (when the catalogue has the model).

    `on_stage`, when given, is told which stage starts (for the console's progress line)."""
    now = now or datetime.now(UTC)
    stage = on_stage or (lambda _text: None)
    stage(f"Linking {len(inventory.get('resources') or ()):,} resources")
    linked = link(inventory, catalogue.linkers)
    stage(f"Evaluating {len(catalogue.rules)} rules")
    findings = evaluate(catalogue.rules, linked, parameters=parameters)
    applied = None
    with_suppressions = None
    if suppressions is not None:
        applied = apply_suppressions(findings, suppressions, now.date())
        with_suppressions = score(f for f in findings if "suppression" not in f)
    generated_at = now.isoformat(timespec="seconds")
    diff = diff_findings(dict(baseline), {"generated_at": generated_at, "findings": findings}) if baseline else None
    if catalogue.objectives:
        stage("Estimating recovery objectives and what-ifs")
    objectives = catalogue.objectives.document(linked) if catalogue.objectives else None
    return Assessment(
        inventory=inventory,
        findings=findings,
        scorecard=score(findings),
        rules=catalogue.rules,
        generated_at=generated_at,
        scorecard_with_suppressions=with_suppressions,
        suppressions=applied,
        baseline=diff,
        objectives=objectives,
    )


def gate_failures(assessment: Assessment, fail_under: float | None, fail_on: str | None,
                  min_coverage: float | None = None, allow_unknown: bool = False) -> list[str]:
    """Why a CI gate fails (--fail-under SCORE, --fail-on SEVERITY, --min-coverage PCT); empty when it passes.

    --fail-under and --fail-on read the findings with suppressions applied when a suppressions file
    was given: accepted risks should not break a pipeline until they expire. --fail-on counts an
    UNKNOWN of that severity as failing (a check we could not make is not a pass) unless
    `allow_unknown`. --min-coverage reads every finding: an accepted risk is still a look not taken.
    """
    card = assessment.scorecard_with_suppressions or assessment.scorecard
    reasons = []
    if fail_under is not None and (card["overall"] is None or card["overall"] < fail_under):
        reasons.append(f"score {card['overall']} is below --fail-under {fail_under:g}")
    if min_coverage is not None:
        coverage = assessment.scorecard["coverage"]
        if coverage is None or coverage < min_coverage:
            shown = "n/a (nothing evaluated)" if coverage is None else f"{coverage:g}%"
            reasons.append(f"coverage {shown} is below --min-coverage {min_coverage:g}")
    if fail_on is not None:
        floor = SEVERITY_WEIGHTS[fail_on]
        counted = (Status.FAIL,) if allow_unknown else (Status.FAIL, Status.UNKNOWN)
        failing = [f for f in assessment.findings if f["status"] in counted and "suppression" not in f
                   and SEVERITY_WEIGHTS[f["severity"]] >= floor]
        if failing:
            unknown = sum(1 for f in failing if f["status"] == Status.UNKNOWN)
            detail = f" ({unknown} UNKNOWN: could not be checked; --allow-unknown to count only FAIL)" if unknown else ""
            reasons.append(f"{len(failing)} failing finding(s) of severity {fail_on} or worse (--fail-on {fail_on})"
                           f"{detail}")
    return reasons
