"""The AWS calls a collection makes, run on pool threads: list one type, read one resource's details.

Nothing here touches shared state; each function returns what it read, and every failure becomes
a CallError with the operation, the IAM permission and AWS's error code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jmespath
from botocore.exceptions import ClientError

from drcheck.collect.jsonable import to_jsonable
from drcheck.collectors.spec import Collector, Detail
from drcheck.unknowns import ACCESS_DENIED, NOT_CALLED, Cause, kind_of, plain_message


@dataclass(frozen=True)
class CallError:
    """A failed AWS call, as recorded in the inventory: its structured cause and a plain message."""

    operation: str
    permission: str
    error_code: str
    message: str  # plain_message: one bounded line, never an HTML body

    @property
    def kind(self) -> str:
        return kind_of(self.error_code)

    def cause(self) -> Cause:
        return Cause(self.kind, self.operation, self.error_code, self.permission)

    def reason(self) -> str:
        if self.kind == ACCESS_DENIED:
            return f"{self.operation} failed: {self.error_code} ({self.message}); needs {self.permission}"
        return f"{self.operation} failed: the API failed ({self.error_code}: {self.message})"

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "operation": self.operation,
            "permission": self.permission,
            "error_code": self.error_code,
            "message": self.message,
            "reason": self.reason(),
        }


_MEMBER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # the top-level member a detail's `result` starts with


def list_items(client: Any, collector: Collector, params: dict) -> list:
    call_params = {**collector.list_params, **params}
    method = _method_name(collector.list_operation)
    if collector.paginate and client.can_paginate(method):
        response = client.get_paginator(method).paginate(**call_params).build_full_result()
    else:
        response = getattr(client, method)(**call_params)
    response.pop("ResponseMetadata", None)
    items = jmespath.search(collector.result_key, response)
    if collector.singleton:
        return [items] if isinstance(items, dict) else []
    return list(items or [])


def run_details(client: Any, collector: Collector, details: tuple[Detail, ...], resource: dict,
                 listed: frozenset[str] = frozenset()) -> list:
    """Call each planned detail for one resource; store results or the reason they are missing."""
    errors: list[CallError] = []
    properties = resource["properties"]
    for detail in details:
        if detail.skip_if_present and properties.get(detail.skip_if_present) is not None:
            continue
        if detail.each is not None:
            properties[detail.key] = _run_each(client, detail, properties, listed, errors)
            continue
        params = dict(detail.constant_params)
        missing = []
        for param, expression in detail.params.items():
            value = jmespath.search(expression, properties)
            if value is None:
                missing.append(expression)
            params[param] = value
        if missing:
            resource["unavailable"][detail.key] = {
                "kind": NOT_CALLED, "operation": detail.operation,
                "reason": f"{detail.operation} not called: {', '.join(missing)} unavailable",
            }
            continue
        try:
            properties[detail.key] = to_jsonable(_call(client, detail, params))
        except Exception as exc:  # recorded on the resource: rules reading this key say UNKNOWN
            error = call_error(detail.operation, detail.permission, exc)
            if error.error_code in detail.not_configured:
                properties[detail.key] = to_jsonable(detail.not_configured_value)
                continue
            resource["unavailable"][detail.key] = error.as_dict()
            errors.append(error)
    return errors


class MissingMember(Exception):
    """A 2xx answer without the member the detail keeps: no answer, not "none" (a proxy's page, an
    emulator's empty answer), unless the detail declares that AWS documents the absence."""


def _call(client: Any, detail: Detail, params: dict) -> Any:
    method = _method_name(detail.operation)
    if detail.paginate and client.can_paginate(method):
        response = client.get_paginator(method).paginate(**params).build_full_result()
    else:
        response = getattr(client, method)(**params)
    response.pop("ResponseMetadata", None)
    if not detail.result:
        return response
    member = _MEMBER.match(detail.result)
    if member and member.group(0) not in response:
        if detail.absence_source is None or (detail.answered_by and detail.answered_by not in response):
            raise MissingMember(f"the {detail.operation} answer has no {member.group(0)}")
        return None  # documented: absent means none, in an answer that is one
    return jmespath.search(detail.result, response)


def _run_each(client: Any, detail: Detail, properties: dict, listed: frozenset[str],
              errors: list[CallError]) -> dict:
    """One call per item `detail.each` names; a failed item is an entry with its reason."""
    results: dict[str, Any] = {}
    for item in detail.each(properties, listed) if detail.each else ():
        params = dict(detail.constant_params)
        params.update({param: jmespath.search(expression, item) for param, expression in detail.params.items()})
        try:
            results[str(item)] = to_jsonable(_call(client, detail, params))
        except Exception as exc:  # kept per item: the rule reading it says why it could not tell
            error = call_error(detail.operation, detail.permission, exc)
            answer = None
            if detail.answer_in_error is not None and isinstance(exc, ClientError):
                answer = detail.answer_in_error(exc.response)
            if answer is None:
                errors.append(error)
                answer = {"Error": f"{error.error_code} ({error.message})"}
            results[str(item)] = to_jsonable(answer)
    return results


def call_error(operation: str, permission: str, exc: BaseException) -> CallError:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "Unknown"))
        message = str(error.get("Message") or exc)
    else:
        # Transport failures, unparseable answers (an emulator's HTML error page), unimplemented
        # operations: none of them is an answer, so the rule that needed it says UNKNOWN.
        code = type(exc).__name__
        message = str(exc)
    return CallError(operation, permission, code, plain_message(message))


def _method_name(operation: str) -> str:
    # botocore's own conversion (DescribeDBInstances -> describe_db_instances).
    from botocore import xform_name

    return xform_name(operation)
