"""A read-only guard on every client drcheck makes: a mutating call raises before it is sent.

drcheck promises consultants it cannot change a client's account. The collectors only declare
read operations, but the promise should not rest on review alone, so each client refuses any
operation that is not a read before botocore builds the request.
"""

from __future__ import annotations

from typing import Any

READ_PREFIXES = ("Describe", "List", "Get", "Head", "Lookup")
# Reads whose names do not start with a read verb, plus the one write-sounding call we need:
# sts:AssumeRole creates temporary credentials for us and changes nothing in the account.
EXPLICIT_READS = frozenset({"AssumeRole"})
# Reads of the client's own data (not configuration) are never evidence and never allowed.
NOT_READS = frozenset({"GetObject", "GetItem", "GetSecretValue", "GetParameter", "GetParameters"})


class MutatingCallBlocked(RuntimeError):
    """drcheck tried to call an operation that is not on the read-only allow-list."""


def is_read_only(operation_name: str) -> bool:
    if operation_name in NOT_READS:
        return False
    return operation_name in EXPLICIT_READS or operation_name.startswith(READ_PREFIXES)


def install_read_only_guard(client: Any) -> None:
    service = client.meta.service_model.service_name

    def refuse_writes(model: Any, **_: Any) -> None:
        if not is_read_only(model.name):
            raise MutatingCallBlocked(f"drcheck refused to call {service}:{model.name}: it is not a read operation")

    client.meta.events.register("provide-client-params", refuse_writes)
