"""Fill one rule's remediation for one failing resource: commands, documents, Terraform, what is missing.

Shell safety: a value outside quotes is shell-quoted; inside quotes it is inserted only when it
holds no character the shell would act on, else the placeholder stays and the reader is told why.
Terraform values are HCL-escaped (quotes, backslashes, `${` and `%{` interpolation), so a hostile
Name tag cannot reach an expression either.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from drcheck.report.fixes.context import FixContext
from drcheck.report.fixes.documents import DOCUMENT_BUILDERS
from drcheck.report.fixes.job import FixJob, Missing, Raw
from drcheck.report.fixes.values import VALUE_BUILDERS
from drcheck.ruleset.remediation import RESOURCE_PLACEHOLDERS, quote_context

_PLACEHOLDER = re.compile(r"<([a-z][a-z0-9_]*(?::[A-Za-z0-9_.\[\]-]+)?)>")
_INERT = re.compile(r"^[A-Za-z0-9_@%+=:,./-]*$")  # what shlex.quote leaves unquoted
_FINDING_FIELDS = {"resource_id": "resource_id", "region": "region", "account_id": "account_id",
                   "arn": "resource_arn", "name": "resource_name"}


@dataclass
class ResourceFix:
    """Everything a reader needs to fix one failing resource."""

    rule_id: str
    name: str
    resource_id: str
    region: str
    account_id: str
    arn: str | None
    commands: list[str] = field(default_factory=list)
    documents: dict[str, bytes] = field(default_factory=dict)
    terraform: str = ""
    needs: list[dict[str, str]] = field(default_factory=list)  # {"name", "why"}
    notes: list[str] = field(default_factory=list)

    def as_view(self) -> dict[str, Any]:
        return {"name": self.name, "id": self.resource_id, "region": self.region, "account_id": self.account_id,
                "commands": list(self.commands), "documents": sorted(self.documents), "terraform": self.terraform,
                "needs": list(self.needs), "notes": list(self.notes)}


def hcl_escape(value: str) -> str:
    text = "".join(ch for ch in str(value) if ch >= " " or ch == "\t")
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${").replace("%{", "%%{"))


def _prop(properties: Mapping[str, Any], path: str) -> Any:
    found: Any = properties
    for step in path.split("."):
        match = re.fullmatch(r"([^\[\]]+)(?:\[(\d+)\])?", step)
        if not match or not isinstance(found, Mapping) or match.group(1) not in found:
            return Missing(f"the scan has no {path} for the resource")
        found = found[match.group(1)]
        if match.group(2) is not None:
            index = int(match.group(2))
            if not isinstance(found, list) or index >= len(found):
                return Missing(f"the scan has no {path} for the resource")
            found = found[index]
    if isinstance(found, bool):
        return "true" if found else "false"
    if isinstance(found, (str, int, float)):
        return str(found)
    return Missing(f"{path} is not a single value")


class _Filler:
    def __init__(self, job: FixJob, inputs: Mapping[str, str]):
        self.job = job
        self.inputs = inputs
        self.needs: dict[str, str] = {}

    def resolve(self, name: str) -> Any:
        kind, _, arg = name.partition(":")
        job = self.job
        if name in RESOURCE_PLACEHOLDERS:
            value = job.finding.get(_FINDING_FIELDS[name])
            return str(value) if value else Missing(f"the finding has no {name}")
        if name in self.inputs:
            return Missing(self.inputs[name])
        if kind == "prop" and arg:
            return _prop(job.properties, arg) if job.resource else Missing("the scan does not hold the resource")
        if kind == "doc" and arg:
            built = DOCUMENT_BUILDERS[arg](job)
            return built if isinstance(built, Missing) else Raw(job.add_document(arg, built))
        if name in VALUE_BUILDERS:
            return job.value(name)
        return Missing(f"unknown placeholder <{name}>")

    def need(self, name: str, why: str) -> None:
        self.needs.setdefault(name, why)

    def shell(self, template: str) -> str:
        out, last = [], 0
        for match in _PLACEHOLDER.finditer(template):
            name = match.group(1)
            out.append(template[last:match.start()])
            last = match.end()
            value = self.resolve(name)
            quoted = quote_context(template, match.start())
            if isinstance(value, Missing):
                self.need(name, value.reason)
                out.append(match.group(0))
            elif isinstance(value, Raw):
                if quoted:
                    self.need(name, "drcheck cannot insert this value inside quotes")
                    out.append(match.group(0))
                else:
                    out.append(value.text)
            elif quoted:
                if _INERT.match(value):
                    out.append(value)
                else:
                    self.need(name, "the value holds characters that are unsafe to paste inside quotes")
                    out.append(match.group(0))
            else:
                out.append(shlex.quote(value))
        out.append(template[last:])
        return "".join(out)

    def terraform(self, template: str) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("doc:"):
                return match.group(0)
            value = self.resolve(name)
            if isinstance(value, Raw) and value.terraform:
                return value.terraform
            if isinstance(value, (Missing, Raw)):
                if isinstance(value, Missing):
                    self.need(name, value.reason)
                return match.group(0)
            return hcl_escape(value)

        return _PLACEHOLDER.sub(replace, template)


def fill_resource(rule: Any, finding: Mapping[str, Any], context: FixContext) -> ResourceFix:
    """The filled fix of `rule` for one failing finding."""
    remediation = rule.remediation
    inputs = dict(remediation.get("inputs") or {})
    job = FixJob(finding=finding, resource=context.resource_of(finding), context=context, values=VALUE_BUILDERS)
    filler = _Filler(job, inputs)
    own = [filler.shell(line.strip()) for line in (remediation.get("cli") or "").splitlines() if line.strip()]
    own = [command for command in own if command.strip()]  # a step value that is not needed here
    setup = list(job.setup)
    terraform = filler.terraform((remediation.get("terraform") or "").rstrip())
    job.setup[:] = setup  # Terraform shows the change only; it adds no commands
    for path, content in job.documents.items():
        for name in _PLACEHOLDER.findall(content.decode("utf-8", "replace")):
            if name in inputs:
                filler.need(name, f"{inputs[name]} (edit {path})")
    name = str(finding.get("resource_name") or finding["resource_id"])
    header = f"# {name} ({finding.get('resource_arn') or finding['resource_id']})"
    return ResourceFix(
        rule_id=rule.id, name=name, resource_id=str(finding["resource_id"]), region=str(finding["region"]),
        account_id=str(finding["account_id"]), arn=finding.get("resource_arn"),
        commands=setup + own, documents=dict(job.documents),
        terraform=f"{_comment(header)}\n{terraform}" if terraform else "",
        needs=[{"name": n, "why": w} for n, w in filler.needs.items()], notes=list(job.notes))


def _comment(text: str) -> str:
    """One comment line whatever the text holds (names come from the account)."""
    return "".join(ch if ch >= " " else " " for ch in text)
