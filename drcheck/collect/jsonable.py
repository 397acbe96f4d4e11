"""Turn boto3 responses into plain JSON values, so inventories round-trip through a file."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from drcheck.text import clean_text


def to_jsonable(value: Any) -> Any:
    """Datetimes become ISO-8601 UTC strings; Decimals numbers; bytes base64; ResponseMetadata goes.

    Strings lose lone surrogates (a JSON answer may escape one, "\ud800"): no output can encode them.
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): to_jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if hasattr(value, "read"):  # streaming bodies are never evidence
        return None
    return value
