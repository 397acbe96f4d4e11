"""Workload grouping and recovery tiers as configured in drcheck.yaml (validated by drcheck.config)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from drcheck.config import DEFAULT_TIERS
from drcheck.objectives.durations import format_duration, parse_duration

DEFAULT_TAG_KEYS = ("workload", "app", "application", "service")
TIER_TAG = "dr-tier"


@dataclass(frozen=True)
class Tier:
    name: str
    rpo: float  # seconds
    rto: float
    description: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "rpo_seconds": self.rpo, "rto_seconds": self.rto,
                "rpo": format_duration(self.rpo), "rto": format_duration(self.rto), "description": self.description}


@dataclass(frozen=True)
class Definition:
    """A workload named in drcheck.yaml: its tier, and optionally which resources belong to it."""

    name: str
    tier: str | None = None
    resources: tuple[str, ...] = ()  # ARNs or ARN patterns with * and ?
    tags: Mapping[str, str] = field(default_factory=dict)  # every key must match (value * = any)

    @property
    def selects(self) -> bool:
        return bool(self.resources or self.tags)


@dataclass(frozen=True)
class Settings:
    tag_keys: tuple[str, ...] = DEFAULT_TAG_KEYS
    cloudformation_stacks: bool = True
    default_tier: str = "standard"
    definitions: tuple[Definition, ...] = ()
    tiers: Mapping[str, Tier] = field(default_factory=lambda: _tiers({}))


def _tiers(extra: Mapping[str, Mapping[str, str]]) -> dict[str, Tier]:
    merged = {**DEFAULT_TIERS, **extra}
    return {name: Tier(name, parse_duration(spec["rpo"]), parse_duration(spec["rto"]), spec.get("description", ""))
            for name, spec in merged.items()}


def settings_from_config(config: Any) -> Settings:
    """Settings from a drcheck.config.Config (already validated), defaults where it says nothing."""
    workloads: Mapping[str, Any] = getattr(config, "workloads", None) or {}
    definitions = tuple(
        Definition(name, spec.get("tier"), tuple(spec.get("resources") or ()), dict(spec.get("tags") or {}))
        for name, spec in (workloads.get("define") or {}).items()
    )
    return Settings(
        tag_keys=tuple(workloads.get("tag_keys") or DEFAULT_TAG_KEYS),
        cloudformation_stacks=workloads.get("cloudformation_stacks", True),
        default_tier=workloads.get("default_tier", "standard"),
        definitions=definitions,
        tiers=_tiers(getattr(config, "tiers", None) or {}),
    )
