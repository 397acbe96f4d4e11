"""The stages wired together: catalogue → plan → collect → evaluate → score → documents.

`scan`, `demo` and `assess` all come through here, so they produce the same files the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drcheck import __version__
from drcheck.collect.plan import Plan, make_plan
from drcheck.collect.runner import AccountTarget, collect
from drcheck.collectors import Collector, all_collectors
from drcheck.errors import UserError
from drcheck.evaluate import evaluate
from drcheck.linkers import Linker, all_linkers
from drcheck.model import FINDINGS_SCHEMA_VERSION
from drcheck.paths import builtin_rules_dir
from drcheck.ruleset.loader import load_rules
from drcheck.ruleset.rule import Rule
from drcheck.score import score


@dataclass(frozen=True)
class Catalogue:
    collectors: Mapping[str, Collector]
    linkers: tuple[Linker, ...]
    rules: tuple[Rule, ...]
    objectives: Any = None  # drcheck.objectives.stage.Objectives, when the run estimates recovery objectives

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
    linkers = all_linkers()
    directories = ([builtin_rules_dir()] if include_builtin else []) + list(extra_rule_dirs)
    rules = load_rules(directories, collectors=collectors, linkers=linkers)
    model = None
    if objectives:
        from drcheck.objectives.stage import load_objectives

        model = load_objectives(collectors, linkers, objectives_settings)
    return Catalogue(collectors, linkers, tuple(select_rules(rules, only, skip)), model)


def select_rules(rules: Iterable[Rule], only: Iterable[str], skip: Iterable[str]) -> list[Rule]:
    """Keep rules matching any `only` selector (all when none), minus any matching `skip`.

    A selector is a rule id, a service or a category; one that matches nothing is a user error,
    because a typo would otherwise silently drop the checks the user asked for.
    """
    rules = list(rules)
    only, skip = list(only), list(skip)

    def matches(rule: Rule, selector: str) -> bool:
        return selector in (rule.id, rule.service, rule.category)

    for selector in only + skip:
        if not any(matches(r, selector) for r in rules):
            raise UserError(f"--only/--skip: {selector!r} is not a rule id, service or category")
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
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    return collect(catalogue.plan(), accounts, client_factory=client_factory, max_workers=max_workers,
                   progress=progress)


@dataclass(frozen=True)
class Assessment:
    inventory: Mapping[str, Any]
    findings: list[dict]
    scorecard: dict[str, Any]
    rules: tuple[Rule, ...]
    generated_at: str
    objectives: dict[str, Any] | None = None  # drcheck.objectives.document; None when not estimated

    def findings_document(self) -> dict[str, Any]:
        """findings.json (schema documented in docs/findings-schema.md)."""
        return {
            "schema_version": FINDINGS_SCHEMA_VERSION,
            "tool": f"drcheck {__version__}",
            "generated_at": self.generated_at,
            "inventory_generated_at": self.inventory.get("generated_at"),
            "accounts": [a["account_id"] for a in self.inventory.get("accounts", [])],
            "regions": list(self.inventory.get("regions", [])),
            "score": {
                "overall": self.scorecard["overall"],
                "grade": self.scorecard["grade"],
                "coverage": self.scorecard["coverage"],
                "counts": self.scorecard["counts"],
                "by_category": self.scorecard["by_category"],
                "by_service": self.scorecard["by_service"],
                "formula": self.scorecard["formula"],
            },
            "rules": [
                {"id": r.id, "title": r.title, "service": r.service, "category": r.category,
                 "severity": r.severity, "resource_type": r.resource_type}
                for r in self.rules
            ],
            "findings": self.findings,
        }


def assess(
    catalogue: Catalogue,
    inventory: Mapping[str, Any],
    *,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
) -> Assessment:
    findings = evaluate(catalogue.rules, inventory, linkers=catalogue.linkers, parameters=parameters)
    objectives = catalogue.objectives.document(inventory, catalogue.linkers) if catalogue.objectives else None
    return Assessment(
        inventory=inventory,
        findings=findings,
        scorecard=score(findings),
        rules=catalogue.rules,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        objectives=objectives,
    )
