"""Reading and writing inventory.json: the collected facts, assessable later without AWS.

An inventory file may come from anywhere (a client's laptop, an old drcheck, a hand edit), so the
reader checks all of it before any stage sees it: every decoding problem (truncated or oversized
gzip, invalid UTF-8, deep nesting, huge integers, NaN), the inner shape of every resource,
collection and error (types included: a list where an id belongs is refused here, not found by
a renderer), times that are ISO 8601, and resource types this drcheck knows. A resource of an
unknown type would otherwise be silently skipped, and a fully corrupted inventory would read as a
clean report. Lone surrogate escapes ("\\ud800"), which no output encoding accepts, become U+FFFD.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema

from drcheck.errors import UserError
from drcheck.model import INVENTORY_SCHEMA_VERSION
from drcheck.outputs import json_bytes
from drcheck.text import clean_surrogates

# A decompressed inventory larger than this is refused before it is parsed (a gzip bomb, or not ours).
MAX_INVENTORY_BYTES = 2 * 1024 ** 3
MAX_DEPTH = 200  # AWS answers nest about 10 deep; far deeper is hostile or broken

_TEXT = {"type": "string"}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_ID = {"type": "string", "minLength": 1}
_CALL_ERROR = {
    "type": "object",
    "properties": {key: _TEXT_OR_NULL for key in (
        "account_id", "region", "service", "resource_type", "resource_id", "operation", "permission",
        "error_code", "message", "reason", "kind")},
}
_UNAVAILABLE = {
    "type": "object",
    "properties": {key: _TEXT_OR_NULL for key in ("reason", "operation", "error_code", "permission", "message", "kind")},
}

INVENTORY_SCHEMA: dict = {
    "type": "object",
    "required": ["schema_version", "generated_at", "accounts", "regions", "collections", "resources", "errors"],
    "properties": {
        "schema_version": {"type": "integer"},
        "tool": _TEXT,
        "generated_at": _TEXT,
        "accounts": {"type": "array", "items": {
            "type": "object",
            "required": ["account_id"],
            "properties": {
                "account_id": _ID, "partition": _TEXT, "name": _TEXT_OR_NULL,
                "regions": {"type": "array", "items": _TEXT},
                "skipped_regions": {"type": "array", "items": {
                    "type": "object", "required": ["region", "reason"],
                    "properties": {"region": _TEXT, "reason": _TEXT}}},
            },
        }},
        "regions": {"type": "array", "items": _TEXT},
        "unreachable_accounts": {"type": "array", "items": {
            "type": "object",
            "required": ["account_id", "reason"],
            "properties": {"account_id": _ID, "name": _TEXT_OR_NULL, "reason": _TEXT},
        }},
        "plan": {"type": "object", "additionalProperties": {"type": "array", "items": _TEXT}},
        "collections": {"type": "array", "items": {
            "type": "object",
            "required": ["account_id", "region", "resource_type", "status"],
            "properties": {
                "account_id": _ID, "region": _ID, "resource_type": _ID,
                "status": {"enum": ["ok", "error"]},
                "errors": {"type": "array", "items": _CALL_ERROR},
                "details": {"type": "array", "items": _TEXT},
            },
        }},
        "resources": {"type": "array", "items": {
            "type": "object",
            "required": ["resource_type", "account_id", "region", "id", "properties"],
            "properties": {
                "resource_type": _ID, "service": _TEXT, "account_id": _ID, "region": _ID, "id": _TEXT,
                "arn": _TEXT_OR_NULL, "name": _TEXT_OR_NULL,
                "tags": {"type": "object", "additionalProperties": _TEXT},
                "properties": {"type": "object"},
                "unavailable": {"type": "object", "additionalProperties": _UNAVAILABLE},
            },
        }},
        "errors": {"type": "array", "items": _CALL_ERROR},
    },
}


def read_inventory(path: Path, known_types: Iterable[str] | None = None) -> dict[str, Any]:
    """Load and check an inventory file (plain or .gz); UserError with one line when it is unusable.

    `known_types` are the resource types the inventory may hold (default: every collector's).
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_INVENTORY_BYTES + 1)
    except OSError as exc:
        raise UserError(f"Cannot read inventory {path}: {exc.strerror or exc}") from None
    data = parse_inventory(raw, str(path))
    if known_types is None:
        from drcheck.collectors import all_collectors

        known_types = all_collectors()
    check_inventory(data, str(path), set(known_types))
    return data


def parse_inventory(raw: bytes, name: str) -> Any:
    """The JSON value of an inventory file's bytes (gunzipped when gzip); UserError when it is not JSON."""
    if raw[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unpacked:
                raw = unpacked.read(MAX_INVENTORY_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise UserError(f"Inventory {name} is a damaged gzip file: {_one_line(exc)}") from None
    if len(raw) > MAX_INVENTORY_BYTES:
        raise UserError(f"Inventory {name} is larger than {MAX_INVENTORY_BYTES:,} bytes; is it a drcheck inventory?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"Inventory {name} is not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise UserError(f"Inventory {name} is not valid JSON: {exc}") from None
    except RecursionError:
        raise UserError(f"Inventory {name} is nested too deeply to be a drcheck inventory") from None
    except ValueError as exc:  # integers beyond Python's digit limit, NaN / Infinity
        # Python's digit-limit message goes on to suggest a setting the user cannot reach: cut it.
        raise UserError(f"Inventory {name} is not usable JSON: {_one_line(exc).split(';')[0]}") from None


def check_inventory(data: Any, name: str, known_types: set[str]) -> None:
    """Shape, depth, times and resource types; lone surrogates replaced in place. UserError otherwise."""
    if not isinstance(data, dict):
        raise UserError(f"Inventory {name} is not a drcheck inventory (expected a JSON object)")
    version = data.get("schema_version")
    if version != INVENTORY_SCHEMA_VERSION:
        raise UserError(f"Inventory {name} has schema_version {_short(version)}; this drcheck reads "
                        f"{INVENTORY_SCHEMA_VERSION}")
    depth_problem = _too_deep(data)
    if depth_problem:
        raise UserError(f"Inventory {name} is nested more than {MAX_DEPTH} levels deep at {depth_problem}")
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(INVENTORY_SCHEMA).iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "top level"
        raise UserError(f"Inventory {name} is malformed at {where}: {_short_message(error.message)}")
    try:
        datetime.fromisoformat(data["generated_at"].replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"Inventory {name}: generated_at {_short(data['generated_at'])} is not an ISO 8601 "
                        "time (e.g. 2026-01-15T12:00:00+00:00)") from None
    unknown: dict[str, int] = {}
    for record in data["resources"] + data["collections"]:
        if record["resource_type"] not in known_types:
            unknown[record["resource_type"]] = unknown.get(record["resource_type"], 0) + 1
    if unknown:
        named = ", ".join(f"{_short(t)} ({n})" for t, n in sorted(unknown.items())[:5])
        raise UserError(f"Inventory {name} holds resource types this drcheck does not know: {named}; "
                        "was it written by another version of drcheck?")
    clean_surrogates(data)


def _too_deep(data: Any) -> str | None:
    """The path of the first value nested deeper than MAX_DEPTH (iterative: no recursion to exhaust)."""
    stack: list[tuple[Any, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, where = stack.pop()
        if depth > MAX_DEPTH:
            return where[:120] or "top level"
        if isinstance(value, dict):
            stack.extend((v, depth + 1, f"{where}/{k}") for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, depth + 1, f"{where}/{i}") for i, v in enumerate(value))
    return None


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"{token} is not a JSON number")


def _short(value: Any) -> str:
    text = repr(value)
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= 80 else text[:80] + "…"


def _short_message(message: str) -> str:
    message = " ".join(message.encode("utf-8", "replace").decode("utf-8").split())
    return message if len(message) <= 200 else message[:200] + "…"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def inventory_json(inventory: dict[str, Any]) -> bytes:
    return json_bytes(inventory)
