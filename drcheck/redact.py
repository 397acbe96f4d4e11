"""--redact: consistent pseudonyms for every client-identifying string in every output.

What is replaced: account ids and account names; every resource's id, name and ARN (the account and
each name in its resource part); every tag value; every other string the client chose in the
collected answers (descriptions, DNS names, member ids, creation tokens, launch template names,
master user names, endpoints…); and the same strings wherever they appear in findings, messages,
evidence, remediation commands, recovery objectives, errors (`errors[].resource_id`) and scores.

What is kept, because it does not identify the client and the report needs it to read: Region
names, Availability Zone names and ids, `global`; API enumerations (every enum value botocore's
models of the collected services declare, plus the literals drcheck's own rules compare with);
numbers, booleans, timestamps and dates, versions, instance classes, `cron()`/`rate()`
expressions; AWS-owned names (`default…`, `aws/…`, `alias/aws/…`, `aws:` keys, `AWS…`, `*.amazonaws.com`
service names); ARN structure (partition, service, Region, resource type); drcheck's own vocabulary
(rule ids, services, categories, severities, resource types); dictionary keys (API field names, tag
keys), except account ids.

Suppressions, verdicts and scores are decided on the real names first: `Redactor.assessment`
rewrites an Assessment already evaluated, so a redacted report has the same verdicts, suppressions
and scores as the unredacted one. `Redactor.inventory` (for `collect --redact`) rewrites an
inventory alone.

Pseudonyms are keyed HMACs: the same input gives the same pseudonym on every run with the same key
(two redacted scans can be diffed), and nobody without the key can test a guess. The key comes
from DRCHECK_REDACT_KEY, or from a file created on first use at ~/.config/drcheck/redact.key (0600).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from drcheck import arns
from drcheck.errors import UserError

ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
# A value is replaced wherever it stands as a whole token: not inside a longer name, but inside
# ARNs, paths, messages and DNS names ("orders-db.abc.rds.amazonaws.com").
_EDGE = r"[A-Za-z0-9_-]"
MIN_NAME_LENGTH = 3

_KEPT_PATTERNS = tuple(re.compile(p) for p in (
    r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}",  # Region
    r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}[a-z]",  # Availability Zone name
    r"[a-z]{3,5}[0-9]{1,2}-az[0-9]{1,2}",  # Availability Zone id
    r"global|unknown|none|null|true|false|\*",
    r"[A-Z][A-Z0-9_]*",  # enum-like constants (ENABLED, STANDARD_IA)
    r"[0-9][0-9.:+ TZ-]*",  # numbers, versions, dates, timestamps
    r"(cron|rate)\(.*\)",
    r"([a-z0-9]+\.)?[a-z][a-z0-9-]*\.([0-9]*x?large|nano|micro|small|medium|metal)",  # instance classes
    r"default([.:/-].*)?|Default|aws/.*|alias/aws/.*|aws:.*|AWS[A-Za-z0-9_.:/-]*|[a-z0-9.-]*\.amazonaws\.com(\.cn)?",
))


def redaction_key(key_file: Path | None = None) -> bytes:
    env = os.environ.get("DRCHECK_REDACT_KEY")
    if env:
        return env.encode("utf-8")
    path = key_file or Path.home() / ".config" / "drcheck" / "redact.key"
    try:
        if path.is_file():
            return path.read_bytes().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32).encode("ascii")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key
    except OSError as exc:
        raise UserError(f"Cannot read or create the redaction key {path}: {exc.strerror or exc} "
                        "(or set DRCHECK_REDACT_KEY)") from None


@cache
def api_enums() -> frozenset[str]:
    """Every enum value in botocore's models of the services drcheck collects from (not identifying)."""
    import botocore.session

    from drcheck.collectors import all_collectors

    core = botocore.session.get_session()
    values: set[str] = set()
    for service in sorted({c.service for c in all_collectors().values()}):
        model = core.get_service_model(service)
        for name in model.shape_names:
            values.update(getattr(model.shape_for(name), "enum", None) or ())
    return frozenset(values)


def rule_literals(rules: Iterable[Any]) -> frozenset[str]:
    """The string operands of the rules' conditions (what a verdict compares with: never client data),
    and the rules' ids, services, categories, severities and resource types."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key != "field":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str):
            found.add(node)

    for rule in rules:
        raw = getattr(rule, "raw", {}) or {}
        walk(raw.get("condition"))
        walk(raw.get("applies_when"))
        # drcheck's own vocabulary, which findings and scores are grouped by.
        found.update((rule.id, rule.service, rule.category, rule.severity, rule.resource_type))
    return frozenset(found)


class Redactor:
    def __init__(self, key: bytes, keep: Iterable[str] = ()):
        self._key = key
        self._keep = frozenset(keep)

    def keeping(self, values: Iterable[str]) -> Redactor:
        """The same key, also keeping `values` (the rules' literals) as they are."""
        return Redactor(self._key, self._keep | frozenset(values))

    def _digest(self, kind: str, value: str) -> str:
        return hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def account(self, account_id: str) -> str:
        # Twelve digits keep ARNs well-formed; a leading 9 makes collisions with real-looking ids unlikely.
        return "9" + str(int(self._digest("account", account_id), 16))[-11:]

    def name(self, value: str) -> str:
        return f"redacted-{self._digest('name', value)[:10]}"

    def kept(self, value: str) -> bool:
        """Whether a string is left as it is (see the module docstring for the list)."""
        return (len(value) < MIN_NAME_LENGTH or value in self._keep or value in api_enums()
                or any(p.fullmatch(value) for p in _KEPT_PATTERNS))

    # -- what to replace ------------------------------------------------------------------------

    def identifiers(self, inventory: dict[str, Any]) -> dict[str, str]:
        """Every client-identifying string of the inventory -> its pseudonym."""
        replacements: dict[str, str] = {}
        names: set[str] = set()

        def add(value: Any) -> None:
            if not isinstance(value, str):
                return
            arn = arns.parse(value)
            if arn is not None:  # structure kept; the account and each name in the resource part go
                if arn.account and ACCOUNT_ID.fullmatch(arn.account):
                    replacements[arn.account] = self.account(arn.account)
                for part in arns.resource_names(arn):
                    add(part)
                return
            if ACCOUNT_ID.fullmatch(value):
                replacements[value] = self.account(value)
            elif not self.kept(value):
                names.add(value)
            for account_id in ACCOUNT_ID.findall(value):
                replacements[account_id] = self.account(account_id)

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for item in node.values():
                    walk(item)
            elif isinstance(node, list):
                for item in node:
                    walk(item)
            else:
                add(node)

        for entry in list(inventory.get("accounts") or []) + list(inventory.get("unreachable_accounts") or []):
            add(entry.get("account_id"))
            add(entry.get("name"))
        for resource in inventory.get("resources") or []:
            for key in ("id", "arn", "name", "account_id"):
                add(resource.get(key))
            walk(resource.get("tags") or {})
            walk(resource.get("properties") or {})
        for error in inventory.get("errors") or []:
            for key in ("resource_id", "resource_arn", "resource_name", "account_id"):
                add(error.get(key))
        replacements.update({n: self.name(n) for n in names})
        return replacements

    # -- rewriting ------------------------------------------------------------------------------

    def inventory(self, inventory: dict[str, Any]) -> dict[str, Any]:
        """A redacted copy of the inventory (the original is not changed)."""
        return _Rewriter(self.identifiers(inventory)).value(inventory)

    def assessment(self, assessment: Any) -> Any:
        """A redacted copy of an evaluated Assessment: same verdicts, suppressions and scores, other names."""
        rewrite = _Rewriter(self.identifiers(dict(assessment.inventory))).value
        return replace(
            assessment, inventory=rewrite(dict(assessment.inventory)), findings=rewrite(assessment.findings),
            scorecard=rewrite(assessment.scorecard), scorecard_with_suppressions=rewrite(
                assessment.scorecard_with_suppressions), suppressions=rewrite(assessment.suppressions),
            baseline=rewrite(assessment.baseline), objectives=rewrite(assessment.objectives),
            history=rewrite(assessment.history))


class _Rewriter:
    """Replaces every whole-token occurrence of the identifiers, longest first, in strings and keys."""

    def __init__(self, replacements: dict[str, str]):
        self._replacements = replacements
        keys = sorted(replacements, key=len, reverse=True)
        self._pattern = re.compile(rf"(?<!{_EDGE})(?:{'|'.join(re.escape(k) for k in keys)})(?!{_EDGE})") if keys \
            else None

    def text(self, value: str) -> str:
        if self._pattern is None:
            return value
        return self._pattern.sub(lambda m: self._replacements[m.group(0)], value)

    def key(self, value: Any) -> Any:
        """Keys are API field names, tag keys, categories…: only an account id (scores by account) changes."""
        if isinstance(value, str) and ACCOUNT_ID.fullmatch(value) and value in self._replacements:
            return self._replacements[value]
        return value

    def value(self, node: Any) -> Any:
        if isinstance(node, str):
            return self.text(node)
        if isinstance(node, dict):
            return {self.key(k): self.value(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self.value(v) for v in node]
        if isinstance(node, tuple):
            return tuple(self.value(v) for v in node)
        return node
