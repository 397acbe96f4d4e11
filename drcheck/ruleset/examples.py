"""Run the examples a rule carries: each is a resource and the verdict the rule must give it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from drcheck.ruleset.rule import Rule
from drcheck.yamlfile import YamlProblem, load_yaml_text

EXAMPLE_NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # fixed, so age-based examples never rot


def example_now(spec: Mapping[str, Any]) -> datetime:
    """The example's `now` (ISO 8601; UTC when it names no zone), else the fixed EXAMPLE_NOW."""
    if not spec.get("now"):
        return EXAMPLE_NOW
    moment = datetime.fromisoformat(str(spec["now"]).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def example_problem(rule: Rule, spec: Mapping[str, Any]) -> str | None:
    """Why an example cannot be run (bad `now`, unknown or mistyped `params`), or None."""
    try:
        example_now(spec)
    except (TypeError, ValueError):
        return f"now: {spec.get('now')!r} is not an ISO 8601 date and time (e.g. 2026-01-15T12:00:00Z)"
    for name, value in (spec.get("params") or {}).items():
        if name not in rule.parameters:
            known = ", ".join(rule.parameters) or "none"
            return f"params: unknown parameter {name!r} (known: {known})"
        default = rule.parameters[name]["default"]
        if not same_kind(default, value):
            return f"params.{name}: expected a value like {default!r}, got {value!r}"
    return None


def same_kind(default: Any, value: Any) -> bool:
    """Whether `value` can stand where a parameter's default stands (booleans are not numbers)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, int | float):
        return isinstance(value, int | float)
    return default is None or isinstance(value, type(default))


def example_resource(rule: Rule, spec: Mapping[str, Any]) -> dict[str, Any]:
    given = spec.get("resource") or {}
    return {
        "resource_type": rule.resource_type,
        "service": rule.service,
        "account_id": given.get("account_id", "111122223333"),
        "region": given.get("region", "us-east-1"),
        "id": given.get("id", "example"),
        "arn": given.get("arn", f"arn:aws:{rule.service}:us-east-1:111122223333:example"),
        "name": given.get("name", given.get("id", "example")),
        "tags": given.get("tags", {}),
        "properties": given.get("properties", {}),
        "derived": given.get("derived", {}),
        "unavailable": given.get("unavailable", {}),
    }


def _example_lines(rule: Rule) -> list[int]:
    """1-based line of each example in the rule file (1 when the file cannot be re-read)."""
    try:  # through the one bounded YAML reader, like the load itself (the file may have changed since)
        root, _ = load_yaml_text(rule.source.read_bytes())
        if root is None:
            return [1] * len(rule.examples)
        examples = next(v for k, v in root.value if k.value == "examples")
        return [item.start_mark.line + 1 for item in examples.value]
    except (OSError, StopIteration, AttributeError, YamlProblem):
        return [1] * len(rule.examples)


def example_failures(rule: Rule) -> list[str]:
    """One line per example whose verdict differs from the one it declares (file:line: ...)."""
    failures = []
    lines = _example_lines(rule)
    for number, spec in enumerate(rule.examples):
        params = {**rule.defaults(), **(spec.get("params") or {})}
        now = example_now(spec)
        verdict = rule.judge(example_resource(rule, spec), now, params)
        if verdict["status"] != spec["status"]:
            detail = f" ({verdict['reason']})" if verdict.get("reason") else ""
            line = lines[number] if number < len(lines) else 1
            failures.append(f"{rule.source}:{line}: example {spec['name']!r}: expected {spec['status']}, "
                            f"got {verdict['status']}{detail}")
    return failures
