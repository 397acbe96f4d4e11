"""One failing resource's fix being filled: what the value and document builders read and add to."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from drcheck.report.fixes.context import FixContext, slug

FIXES_DIR = "fixes"


@dataclass(frozen=True)
class Missing:
    """A value the scan cannot supply: the command keeps its placeholder and says why."""

    reason: str


@dataclass(frozen=True)
class Raw:
    """Shell text drcheck built itself (already quoted), inserted as it is: "$(aws … --output text)".

    `terraform`, when given, is what a Terraform snippet says instead (a reference such as
    ${aws_backup_plan.drcheck_daily.id}, valid inside an HCL string)."""

    text: str
    terraform: str | None = None


@dataclass
class FixJob:
    finding: Mapping[str, Any]
    resource: Mapping[str, Any] | None
    context: FixContext
    values: Mapping[str, Callable[[FixJob], Any]]
    documents: dict[str, bytes] = field(default_factory=dict)  # path under the output folder -> content
    setup: list[str] = field(default_factory=list)  # commands that must run before the rule's own
    notes: list[str] = field(default_factory=list)  # choices drcheck made, said where the reader sees them
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def account(self) -> str:
        return str(self.finding["account_id"])

    @property
    def region(self) -> str:
        return str(self.finding["region"])

    @property
    def properties(self) -> Mapping[str, Any]:
        props = (self.resource or {}).get("properties")
        return props if isinstance(props, Mapping) else {}

    @property
    def partition(self) -> str:
        return self.context.partitions.get(self.account, "aws")

    def folder(self, region: str | None = None) -> str:
        return f"{FIXES_DIR}/{slug(self.account)}/{slug(region or self.region)}"

    def value(self, name: str) -> Any:
        """A named value (drcheck.ruleset.remediation.VALUES), computed once per job."""
        if name not in self._cache:
            self._cache[name] = self.values[name](self)
        return self._cache[name]

    def text(self, name: str) -> str | None:
        """The value as plain text, or None when it is missing or shell syntax."""
        found = self.value(name)
        return found if isinstance(found, str) else None

    def add_document(self, name: str, content: Any) -> str:
        """Write `content` as JSON into the output folder; returns its file:// argument."""
        path = f"{self.folder()}/{name}-{slug(self.finding['resource_id'])}.json"
        self.documents[path] = (json.dumps(content, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()
        return f"file://{path}"

    def add_setup(self, command: str) -> None:
        if command not in self.setup:
            self.setup.append(command)

    def add_note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
