"""A read-only guard on every client drcheck makes: any call it did not declare raises before it is sent.

drcheck promises consultants it cannot change a client's account. A read-verb prefix is not
enough for that promise: redshift GetClusterCredentials (AutoCreate makes a database user),
cognito GetId, ssm GetParametersByPath with decryption, s3 GetObjectTorrent or logs GetLogEvents
all start with Get, and some create things or read the client's data. So the guard allows
exactly the operations drcheck declares: every collector's list and detail operations, plus the
identity, role and discovery calls made outside the collectors (declared where they are made:
`collect.session.IDENTITY_OPERATIONS`, `collect.accounts.ORGANIZATION_OPERATIONS`). Each of
those must also be a read by name, which a test checks, so a declaration cannot smuggle in a write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

READ_PREFIXES = ("Describe", "List", "Get", "Head", "Lookup")
# Reads whose names do not start with a read verb, plus the one write-sounding call we need:
# sts:AssumeRole creates temporary credentials for us and changes nothing in the account.
EXPLICIT_READS = frozenset({"AssumeRole"})
# Reads of the client's own data (not configuration) are never evidence and never allowed.
NOT_READS = frozenset({"GetObject", "GetItem", "GetSecretValue", "GetParameter", "GetParameters"})

AllowList = Mapping[str, frozenset[str]]  # boto3 service name -> operation names


class MutatingCallBlocked(RuntimeError):
    """drcheck tried to call an operation that is not on the read-only allow-list."""


def is_read_only(operation_name: str) -> bool:
    """Whether an operation is a read by its name (a necessary condition, not a sufficient one)."""
    if operation_name in NOT_READS:
        return False
    return operation_name in EXPLICIT_READS or operation_name.startswith(READ_PREFIXES)


def declared_operations(collectors: Iterable[Any]) -> dict[str, set[str]]:
    """service -> every list and detail operation the collectors declare."""
    declared: dict[str, set[str]] = defaultdict(set)
    for collector in collectors:
        declared[collector.service].add(collector.list_operation)
        for detail in collector.details:
            declared[collector.service].add(detail.operation)
    return declared


def allowed_operations(collectors: Iterable[Any] | None = None) -> AllowList:
    """The allow-list: the collectors' declared operations plus identity and discovery calls."""
    from drcheck.collect.accounts import ORGANIZATION_OPERATIONS
    from drcheck.collect.session import IDENTITY_OPERATIONS

    if collectors is None:
        from drcheck.collectors import all_collectors

        collectors = all_collectors().values()
    allowed = declared_operations(collectors)
    for extra in (IDENTITY_OPERATIONS, ORGANIZATION_OPERATIONS):
        for service, operations in extra.items():
            allowed[service].update(operations)
    return {service: frozenset(ops) for service, ops in allowed.items()}


def install_read_only_guard(client: Any, allowed: AllowList | None = None) -> None:
    """Refuse, before the request is built, every operation not on `allowed` (default: all declarations)."""
    service = client.meta.service_model.service_name
    permitted = (allowed if allowed is not None else allowed_operations()).get(service, frozenset())

    def refuse_undeclared(model: Any, **_: Any) -> None:
        if model.name not in permitted or not is_read_only(model.name):
            raise MutatingCallBlocked(f"drcheck refused to call {service}:{model.name}: it is not one of the "
                                      "read operations drcheck declares")

    client.meta.events.register("provide-client-params", refuse_undeclared)
