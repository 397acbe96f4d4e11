"""drcheck.yaml: optional project settings (rule parameters, report details, workloads, tiers).

Looked for at --config PATH, else ./drcheck.yaml when it exists. Each top-level section belongs
to one stage and is validated here, so a typo fails with one line before any work is done:

    rules:
      parameters:
        rds-instance-backup-enabled: {min_retention_days: 14}
    report: {client: ACME, assessor: Jane Doe, title: ..., paper: letter, logo: logo.png}
    workloads: {...}   # recovery objectives (see docs/objectives.md)
    tiers: {...}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from drcheck.errors import UserError

DEFAULT_CONFIG = Path("drcheck.yaml")

CONFIG_SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "rules": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "parameters": {"type": "object", "additionalProperties": {"type": "object"}},
                "only": {"type": "array", "items": {"type": "string"}},
                "skip": {"type": "array", "items": {"type": "string"}},
                "dirs": {"type": "array", "items": {"type": "string"}},
            },
        },
        "report": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "client": {"type": "string"},
                "assessor": {"type": "string"},
                "title": {"type": "string"},
                "paper": {"enum": ["a4", "letter"]},
                "logo": {"type": "string"},
                "template_dir": {"type": "string"},
            },
        },
        "workloads": {"type": "object"},
        "tiers": {"type": "object"},
    },
}


@dataclass(frozen=True)
class Config:
    source: Path | None = None
    rules: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    workloads: dict[str, Any] = field(default_factory=dict)
    tiers: dict[str, Any] = field(default_factory=dict)

    @property
    def parameters(self) -> dict[str, dict[str, Any]]:
        return self.rules.get("parameters") or {}

    def resolve(self, relative: str) -> Path:
        """A path written in the config is relative to the config file's folder."""
        base = self.source.parent if self.source else Path.cwd()
        return (base / relative).resolve()


def load_config(path: Path | None) -> Config:
    """Read --config (must exist) or ./drcheck.yaml (if present); an empty Config otherwise."""
    if path is None:
        if not DEFAULT_CONFIG.is_file():
            return Config()
        path = DEFAULT_CONFIG
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise UserError(f"Cannot read config {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise UserError(f"{path}{line}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of sections (rules, report, workloads, tiers)")
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(CONFIG_SCHEMA).iter_errors(data))
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path) or "top level"
        raise UserError(f"{path}: {where}: {error.message}")
    return Config(source=path, rules=data.get("rules") or {}, report=data.get("report") or {},
                  workloads=data.get("workloads") or {}, tiers=data.get("tiers") or {})


def check_parameters(parameters: dict[str, dict[str, Any]], rules: Iterable[Any], source: Path | None) -> None:
    """Every overridden parameter must belong to a known rule and have the default's type."""
    by_id = {r.id: r for r in rules}
    where = f"{source}: " if source else ""
    for rule_id, values in parameters.items():
        rule = by_id.get(rule_id)
        if rule is None:
            raise UserError(f"{where}rules.parameters: no selected rule {rule_id!r}")
        for name, value in values.items():
            if name not in rule.parameters:
                known = ", ".join(rule.parameters) or "none"
                raise UserError(f"{where}rules.parameters.{rule_id}: unknown parameter {name!r} (known: {known})")
            default = rule.parameters[name]["default"]
            if isinstance(default, bool) != isinstance(value, bool) or (
                isinstance(default, int | float) and not isinstance(value, int | float)
            ):
                raise UserError(f"{where}rules.parameters.{rule_id}.{name}: expected a value like {default!r}, "
                                f"got {value!r}")
