"""A loaded rule, and how it judges one resource."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from drcheck import unknowns
from drcheck.model import Status
from drcheck.ruleset.conditions import Context, Node

PLACEHOLDERS = ("resource_id", "region", "account_id", "arn", "name")


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    service: str
    resource_type: str
    category: str
    severity: str
    description: str
    parameters: Mapping[str, Mapping[str, Any]]
    applies_when: Node | None
    condition: Node
    messages: Mapping[str, str]
    remediation: Mapping[str, str]
    references: Mapping[str, list[str]]
    examples: tuple[Mapping[str, Any], ...]
    source: Path
    raw: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)
    detail_keys: frozenset[str] = frozenset()  # the collector's detail keys (see Context.detail_keys)

    def defaults(self) -> dict[str, Any]:
        return {name: spec["default"] for name, spec in self.parameters.items()}

    def field_paths(self) -> list[str]:
        paths = self.condition.fields()
        if self.applies_when is not None:
            paths = self.applies_when.fields() + paths
        return paths

    def field_roots(self) -> set[str]:
        """The first step of every field path: what the planner must collect."""
        roots = set()
        for path in self.field_paths():
            first = path.split(".")[0].removesuffix("[]")
            roots.add(f"derived.{path.split('.')[1].removesuffix('[]')}" if first == "derived" else first)
        return roots

    def judge(self, resource: Mapping[str, Any], now: datetime, params: Mapping[str, Any]) -> dict[str, Any]:
        """Verdict, message, evidence and (for UNKNOWN) reason for one resource.

        Load-time checks make operands safe, but a resource's data can still hold what no check
        foresaw: an error while judging one resource makes that finding UNKNOWN, never the run fail.
        """
        try:
            return self._judge(resource, now, params)
        except Exception as exc:  # noqa: BLE001 - contained per rule and resource, with its reason
            return {
                "status": Status.UNKNOWN.value,
                "message": "Could not evaluate this rule on this resource.",
                "evidence": {},
                "reason": f"rule {self.id} could not be evaluated on this resource's data "
                          f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]})",
            }

    def _judge(self, resource: Mapping[str, Any], now: datetime, params: Mapping[str, Any]) -> dict[str, Any]:
        ctx = Context(resource, params, now, detail_keys=self.detail_keys)
        evidence: dict[str, Any] = {}
        if self.applies_when is not None:
            applies = self.applies_when.evaluate(ctx)
            evidence.update(applies.evidence)
            if applies.value is False:
                return {
                    "status": Status.NOT_APPLICABLE.value,
                    "message": self.messages.get("not_applicable", "Not applicable to this resource."),
                    "evidence": evidence,
                }
            if applies.value is None:
                return {
                    "status": Status.UNKNOWN.value,
                    "message": "Could not tell whether this rule applies.",
                    "evidence": evidence,
                    "reason": unknowns.join(applies.reasons),
                }
        outcome = self.condition.evaluate(ctx)
        evidence.update(outcome.evidence)
        if outcome.value is None:
            return {
                "status": Status.UNKNOWN.value,
                "message": "Could not tell.",
                "evidence": evidence,
                "reason": unknowns.join(outcome.reasons),
            }
        passed = outcome.value
        return {
            "status": (Status.PASS if passed else Status.FAIL).value,
            "message": self.messages["pass" if passed else "fail"],
            "evidence": evidence,
        }


def fill_placeholders(template: str, finding: Mapping[str, Any]) -> str:
    """Put a finding's identifiers into a remediation command: <resource_id>, <region>, …

    Angle-bracket placeholders read well unfilled and do not clash with HCL's braces.
    """
    values = {
        "resource_id": finding.get("resource_id"),
        "region": finding.get("region"),
        "account_id": finding.get("account_id"),
        "arn": finding.get("resource_arn"),
        "name": finding.get("resource_name"),
    }
    for name, value in values.items():
        if value:
            template = template.replace(f"<{name}>", str(value))
    return template
