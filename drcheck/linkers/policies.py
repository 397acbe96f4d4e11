"""Reading IAM-style resource policies (vault access policies, Lambda function policies).

Only what the rules need: which actions a statement covers, who it names, and whether it is
conditional. A policy that does not parse is an error for the caller to report as unknown.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any


def statements(policy: Any) -> list[dict]:
    """The statements of a policy given as a JSON string or a dict; raises ValueError if malformed."""
    document = json.loads(policy) if isinstance(policy, str) else policy
    if not isinstance(document, dict):
        raise ValueError("the policy is not a JSON object")
    found = document.get("Statement", [])
    found = [found] if isinstance(found, dict) else found
    if not isinstance(found, list) or not all(isinstance(s, dict) for s in found):
        raise ValueError("the policy's Statement is not a list of objects")
    return found


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@lru_cache(maxsize=256)
def _action_pattern(pattern: str) -> re.Pattern[str]:
    # IAM action names are case-insensitive; * and ? are wildcards.
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body + r"\Z", re.IGNORECASE)


def covers_action(statement: dict, action: str) -> bool:
    """Whether the statement's Action (or NotAction) applies to `action`."""
    if "NotAction" in statement:
        return not any(_action_pattern(str(p)).match(action) for p in _as_list(statement["NotAction"]))
    return any(_action_pattern(str(p)).match(action) for p in _as_list(statement.get("Action")))


def applies_to_everyone(statement: dict) -> bool:
    """Principal "*" or {"AWS": "*"}, or a NotPrincipal (everyone but the listed)."""
    if "NotPrincipal" in statement:
        return True
    principal = statement.get("Principal")
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def service_principals(statement: dict) -> list[str]:
    principal = statement.get("Principal")
    if not isinstance(principal, dict):
        return []
    return [str(s) for s in _as_list(principal.get("Service"))]
