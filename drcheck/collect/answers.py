"""A successful HTTP answer must be an AWS answer before botocore parses it.

botocore's JSON parsers read a body that is not JSON as `{"message": body}` and its XML parsers
read any well-formed XML: so an HTML page with status 200 (a captive portal, a proxy's error page)
or an answer cut short parses as an answer with every member missing, which reads as "none
here" (no tables, no backups). Refused here, the call fails and what needed it is UNKNOWN.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class UnreadableAnswer(Exception):
    """A 2xx answer that is not the protocol's document (HTML, truncated or invalid JSON)."""


def check_answer(response_dict: Mapping[str, Any], operation_model: Any, **_: Any) -> None:
    """botocore `before-parse` hook: raise UnreadableAnswer for a 2xx body that cannot be the answer."""
    status = response_dict.get("status_code") or 0
    body = response_dict.get("body")
    if not 200 <= status < 300 or not body or not isinstance(body, bytes | bytearray):
        return
    if operation_model.has_streaming_output:
        return
    name = operation_model.name
    # By its body, not its Content-Type: emulators label real JSON answers text/html.
    head = bytes(body[:256]).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise UnreadableAnswer(f"{name} was answered with an HTML page, not an AWS answer")
    if not _has_document_body(operation_model):
        return  # a bare payload (S3 GetBucketPolicy's policy text, a blob): nothing to check
    protocol = operation_model.service_model.resolved_protocol
    if protocol in ("json", "rest-json"):
        try:
            json.loads(body)
        except ValueError:
            raise UnreadableAnswer(f"{name} was answered with invalid or truncated JSON "
                                   f"({len(body)} bytes)") from None
    elif protocol in ("query", "ec2", "rest-xml") and not head.startswith(b"<"):
        raise UnreadableAnswer(f"{name} was answered with something that is not XML ({len(body)} bytes)")


def _has_document_body(operation_model: Any) -> bool:
    """Whether the answer's body is the protocol's document (JSON or XML), not a bare payload."""
    shape = operation_model.output_shape
    if shape is None:
        return True
    payload = shape.serialization.get("payload")
    return payload is None or shape.members[payload].type_name == "structure"


def install_answer_check(client: Any) -> None:
    client.meta.events.register_first("before-parse", check_answer)

