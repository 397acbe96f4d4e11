"""Why something is unknown, as a value: what kind of failure, which operation, AWS's error code
and the IAM permission of the call.

A `Cause` is made where a call fails (drcheck.collect.calls) and stored with the failure in the
inventory; the link stage and the condition language carry it, attached to their explanation
(`Reason`, a string that keeps its causes), to the finding. Text meant for a person is produced
from it only at the finding and in the report, and nothing downstream reads a cause back out of
prose.

Only an access-denied error means "grant this permission". Throttling past retries, 5xx answers,
an answer that could not be parsed, an operation the endpoint does not implement, a call past its
deadline: the API failed, and the finding says so with the error code; granting a permission
would not help.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ACCESS_DENIED = "access-denied"  # the caller lacks a permission: the one kind that asks for a grant
API_FAILED = "api-failed"  # the call was made and did not answer (throttled, 5xx, unparseable, unimplemented…)
NOT_CALLED = "not-called"  # the call was never made (its inputs were missing, or the plan did not ask)
KINDS = (ACCESS_DENIED, API_FAILED, NOT_CALLED)

# Error codes AWS uses for "not allowed" (IAM, SCPs, resource policies). A bare 403 with no body is
# what S3 answers a HEAD request it refuses.
_DENIED_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
    "UnauthorizedException", "AuthorizationError", "AuthorizationErrorException", "Forbidden",
    "ForbiddenException", "403",
})
_HTML = re.compile(r"<\s*(!doctype|html|head|body|title|h1|div|p|pre)\b", re.IGNORECASE)
MESSAGE_LIMIT = 300


def kind_of(error_code: str | None) -> str:
    """The kind of failure an AWS error code (or exception name) stands for."""
    return ACCESS_DENIED if error_code in _DENIED_CODES else API_FAILED


def plain_message(message: str) -> str:
    """An error message fit for a report: one line, bounded, and never an HTML page's source
    (botocore quotes the whole body of an answer it cannot parse, and an emulator or proxy
    answers with an HTML error page)."""
    text = " ".join(str(message).split())
    found = _HTML.search(text)
    if found:
        head = text[:found.start()].rstrip(" :'\"b(")
        text = f"{head} (the answer was an HTML page, not shown)" if head else "the answer was an HTML page (not shown)"
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT - 1] + "…"


@dataclass(frozen=True)
class Cause:
    """One failed (or never made) call behind an unknown."""

    kind: str
    operation: str | None = None
    error_code: str | None = None
    permission: str | None = None

    def grant(self) -> str | None:
        """The permission to grant, for an access-denied failure only."""
        return self.permission if self.kind == ACCESS_DENIED else None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("kind", self.kind), ("operation", self.operation),
                                  ("error_code", self.error_code), ("permission", self.permission)) if v}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Cause | None:
        """The cause in an inventory record (an `unavailable` entry or an `errors` item); None when it
        names no call. Inventories written before causes had a kind get it from the error code."""
        operation = record.get("operation")
        code = record.get("error_code")
        kind = record.get("kind")
        if not operation and not code:
            return None
        if kind not in KINDS:
            kind = kind_of(str(code)) if code else NOT_CALLED
        return cls(kind=str(kind), operation=_str(operation), error_code=_str(code),
                   permission=_str(record.get("permission")))


def _str(value: Any) -> str | None:
    return str(value) if value else None


def describe(cause: Cause) -> str:
    """The cause in words (findings and the report)."""
    what = cause.operation or "a call"
    if cause.kind == ACCESS_DENIED:
        return f"{what} was refused ({cause.error_code})" + (f": grant {cause.permission}" if cause.permission else "")
    if cause.kind == API_FAILED:
        return f"{what}: the API failed ({cause.error_code})"
    return f"{what} was not called"


class Reason(str):
    """An explanation for a person, carrying the structured causes behind it.

    It is a `str` so that the linkers and conditions that compose explanations keep working; the
    causes travel beside the text and are never parsed out of it. Join reasons with `join` and
    prefix them with `prefixed`, which keep the causes; plain string formatting drops them (the
    linker fixture test checks that every linker's unknowns keep the causes of their inputs).
    """

    causes: tuple[Cause, ...]

    def __new__(cls, text: str, causes: Iterable[Cause] = ()) -> Reason:
        self = super().__new__(cls, text)
        self.causes = tuple(dict.fromkeys((*causes_of(text), *causes)))
        return self

    def prefixed(self, prefix: str) -> Reason:
        return Reason(prefix + str(self), self.causes)

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across the PDF worker and xdist
        return (Reason, (str(self), self.causes))


def causes_of(value: Any) -> tuple[Cause, ...]:
    """The causes a reason carries (none for a plain string)."""
    return getattr(value, "causes", ())


def join(parts: Iterable[Any], separator: str = "; ") -> Reason:
    """Reasons joined into one, with all their causes (duplicates once, in order)."""
    parts = [p for p in parts if p or causes_of(p)]
    return Reason(separator.join(str(p) for p in parts if p), [c for p in parts for c in causes_of(p)])


def from_record(record: Mapping[str, Any], default: str = "not available") -> Reason:
    """The reason stored in an inventory record, with the cause it names (if any)."""
    cause = Cause.from_record(record)
    causes = [Cause(**c) for c in _stored_causes(record)]
    return Reason(str(record.get("reason") or default), ([cause] if cause else []) + causes)


def _stored_causes(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    stored = record.get("causes")
    if not isinstance(stored, list):
        return []
    fields = {"kind", "operation", "error_code", "permission"}
    return [{k: v for k, v in c.items() if k in fields} for c in stored
            if isinstance(c, Mapping) and c.get("kind") in KINDS]


def record(reason: Any) -> dict[str, Any]:
    """An `unavailable` entry for a derived field: the text and the causes as plain data."""
    entry: dict[str, Any] = {"reason": str(reason)}
    causes = causes_of(reason)
    if causes:
        entry["causes"] = [c.as_dict() for c in causes]
    return entry


def permissions_to_grant(causes: Iterable[Cause]) -> list[str]:
    """The IAM permissions whose absence caused these unknowns (access-denied causes only)."""
    return sorted({p for p in (c.grant() for c in causes) if p})
