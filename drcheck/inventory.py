"""Reading and writing inventory.json: the collected facts, assessable later without AWS."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import jsonschema

from drcheck.errors import UserError
from drcheck.model import INVENTORY_SCHEMA_VERSION

INVENTORY_SCHEMA: dict = {
    "type": "object",
    "required": ["schema_version", "generated_at", "accounts", "regions", "collections", "resources", "errors"],
    "properties": {
        "schema_version": {"type": "integer"},
        "generated_at": {"type": "string"},
        "accounts": {"type": "array", "items": {"type": "object", "required": ["account_id"]}},
        "regions": {"type": "array", "items": {"type": "string"}},
        "collections": {
            "type": "array",
            "items": {"type": "object", "required": ["account_id", "region", "resource_type", "status"]},
        },
        "resources": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["resource_type", "account_id", "region", "id", "properties"],
                "properties": {"properties": {"type": "object"}, "tags": {"type": "object"},
                               "unavailable": {"type": "object"}},
            },
        },
        "errors": {"type": "array"},
    },
}


def read_inventory(path: Path) -> dict[str, Any]:
    """Load and check an inventory file (plain or .gz); UserError with one line when it is unusable."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"Cannot read inventory {path}: {exc.strerror or exc}") from None
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"Inventory {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UserError(f"Inventory {path} is not a drcheck inventory (expected a JSON object)")
    version = data.get("schema_version")
    if version != INVENTORY_SCHEMA_VERSION:
        raise UserError(f"Inventory {path} has schema_version {version!r}; this drcheck reads "
                        f"{INVENTORY_SCHEMA_VERSION}")
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(INVENTORY_SCHEMA).iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "top level"
        raise UserError(f"Inventory {path} is malformed at {where}: {error.message}")
    return data


def inventory_json(inventory: dict[str, Any]) -> bytes:
    return json.dumps(inventory, indent=1, sort_keys=False, default=str).encode("utf-8")
