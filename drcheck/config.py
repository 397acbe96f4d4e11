"""drcheck.yaml: optional project settings (rule parameters, report details, workloads, tiers).

Looked for at --config PATH, else ./drcheck.yaml when it exists. Each top-level section belongs
to one stage and is validated here, so a typo fails with one line before any work is done:

    rules:
      parameters:
        rds-instance-backup-enabled: {min_retention_days: 14}
    report: {client: ACME, assessor: Jane Doe, title: ..., paper: letter, logo: logo.png}
    collect: {call_deadline: 2m, scan_deadline: 1h}   # --call-deadline / --scan-deadline win
    workloads:                         # recovery objectives (see docs/objectives.md)
      tag_keys: [workload, app]        # tag keys naming a resource's workload (any case)
      cloudformation_stacks: true      # else group by aws:cloudformation:stack-name
      default_tier: standard
      define:
        payments: {tier: critical, resources: ["arn:aws:rds:*:*:db:pay-*"], tags: {team: payments}}
    tiers:
      critical: {rpo: 15m, rto: 1h}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drcheck.errors import UserError
from drcheck.objectives.durations import DurationError, parse_duration
from drcheck.yamlfile import check_schema, read_yaml

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
        "workloads": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "tag_keys": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                "cloudformation_stacks": {"type": "boolean"},
                "default_tier": {"type": "string", "minLength": 1},
                "define": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "tier": {"type": "string", "minLength": 1},
                            "resources": {"type": "array", "items": {"type": "string", "minLength": 1}},
                            "tags": {"type": "object", "additionalProperties": {"type": "string"}},
                        },
                    },
                },
            },
        },
        "collect": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"call_deadline": {"type": ["string", "number"]},
                           "scan_deadline": {"type": ["string", "number"]}},
        },
        "tiers": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["rpo", "rto"],
                "properties": {"rpo": {"type": "string"}, "rto": {"type": "string"},
                               "description": {"type": "string"}},
            },
        },
    },
}

# Recovery tiers drcheck ships; drcheck.yaml `tiers:` adds to or overrides them.
DEFAULT_TIERS: dict[str, dict[str, str]] = {
    "critical": {"rpo": "15m", "rto": "1h", "description": "revenue or safety stops without it"},
    "important": {"rpo": "1h", "rto": "4h", "description": "hurts within hours"},
    "standard": {"rpo": "24h", "rto": "24h", "description": "can wait a day"},
}


@dataclass(frozen=True)
class Config:
    source: Path | None = None
    rules: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    workloads: dict[str, Any] = field(default_factory=dict)
    tiers: dict[str, Any] = field(default_factory=dict)
    collect: dict[str, Any] = field(default_factory=dict)  # call_deadline, scan_deadline
    # Read because it sat in the working directory, not because --config named it: the console says
    # so, since a checkout someone else prepared decides the rules, parameters and templates.
    from_working_dir: bool = False

    @property
    def parameters(self) -> dict[str, dict[str, Any]]:
        return self.rules.get("parameters") or {}

    def resolve(self, relative: str) -> Path:
        """A path written in the config is relative to the config file's folder."""
        base = self.source.parent if self.source else Path.cwd()
        return (base / relative).resolve()


def load_config(path: Path | None) -> Config:
    """Read --config (must exist) or ./drcheck.yaml (if present); an empty Config otherwise."""
    from_working_dir = path is None
    if path is None:
        if not DEFAULT_CONFIG.is_file():
            return Config()
        path = DEFAULT_CONFIG
    data = read_yaml(path, "config") or {}
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of sections (rules, report, workloads, tiers)")
    check_schema(data, CONFIG_SCHEMA, path, "config")
    _check_objectives(data, path)
    _check_collect(data.get("collect") or {}, path)
    return Config(source=path, rules=data.get("rules") or {}, report=data.get("report") or {},
                  workloads=data.get("workloads") or {}, tiers=data.get("tiers") or {},
                  collect=data.get("collect") or {}, from_working_dir=from_working_dir)


def check_parameters(parameters: dict[str, dict[str, Any]], rules: Iterable[Any], source: Path | None) -> None:
    """Every overridden parameter must belong to a known rule and have the default's type."""
    by_id = {r.id: r for r in rules}
    where = f"{source}: " if source else ""
    for rule_id, values in parameters.items():
        rule = by_id.get(rule_id)
        if rule is None:
            raise UserError(f"{where}rules.parameters: no rule {rule_id!r} (see: drcheck rules list)")
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


def _check_collect(section: dict[str, Any], path: Path) -> None:
    from drcheck.collect.workers import parse_deadline

    for key in ("call_deadline", "scan_deadline"):
        if key in section:
            parse_deadline(section[key], f"{path}: collect.{key}")


def _check_objectives(data: dict[str, Any], path: Path) -> None:
    """Durations parse and every tier a workload names exists (shipped or defined here)."""
    tiers = data.get("tiers") or {}
    for name, tier in tiers.items():
        for key in ("rpo", "rto"):
            try:
                parse_duration(tier[key])
            except DurationError as exc:
                raise UserError(f"{path}: tiers.{name}.{key}: {exc}") from None
    known = sorted(set(DEFAULT_TIERS) | set(tiers))
    workloads = data.get("workloads") or {}
    named = [("workloads.default_tier", workloads.get("default_tier"))]
    named += [(f"workloads.define.{n}.tier", d.get("tier")) for n, d in (workloads.get("define") or {}).items()]
    for where, tier in named:
        if tier is not None and tier not in known:
            raise UserError(f"{path}: {where}: unknown tier {tier!r} (known: {', '.join(known)})")
