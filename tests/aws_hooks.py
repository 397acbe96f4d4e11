"""botocore event hooks for tests: answer, deny or count API calls on a boto3 Session.

Registered on the session before the scan makes its clients, so every client of the scan carries
them (botocore copies the session's handlers into each new client). `before-call` is where
botocore's Stubber and moto hook in too: a handler that returns (http response, parsed response)
replaces the request, and a parsed response with an Error raises ClientError as AWS would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import botocore.session
from botocore.awsrequest import AWSResponse

_PARAMS = "drcheck_test_params"


def event_name(service: str, operation: str) -> str:
    """`rds.DescribeDBInstances` -> the name botocore emits events under (`rds.DescribeDBInstances`,
    `elastic-load-balancing.DescribeTags` for elb, ...)."""
    service_id = botocore.session.get_session().get_service_model(service).service_id.hyphenize()
    return f"{service_id}.{operation}"


def answer(session: Any, service: str, operation: str, respond: Callable[[dict], dict | None]) -> None:
    """Answer `service:operation` with respond(params); a None answer lets the call through."""
    name = event_name(service, operation)

    def remember(params: dict, context: dict, **_: Any) -> None:
        context[_PARAMS] = dict(params)

    def reply(context: dict, **_: Any):
        parsed = respond(context.get(_PARAMS, {}))
        if parsed is None:
            return None
        metadata = parsed.setdefault("ResponseMetadata", {})
        status = metadata.setdefault("HTTPStatusCode", 400 if "Error" in parsed else 200)
        metadata.setdefault("HTTPHeaders", {})
        return AWSResponse("https://test.drcheck.invalid/", status, metadata["HTTPHeaders"], None), parsed

    session.events.register(f"before-parameter-build.{name}", remember)
    session.events.register(f"before-call.{name}", reply)


def deny(session: Any, service: str, operation: str) -> None:
    """Every call of `service:operation` fails with AccessDenied, as with a missing permission."""
    answer(session, service, operation, lambda params: {
        "Error": {"Code": "AccessDenied", "Message": "not authorized (test)"},
        "ResponseMetadata": {"HTTPStatusCode": 403},
    })


class CallCounter:
    """Counts every API call by `service_id.Operation` (as botocore names the event)."""

    def __init__(self, session: Any):
        self.calls: Counter[str] = Counter()
        session.events.register("before-call", self._count)

    def _count(self, event_name: str, **_: Any) -> None:
        self.calls[event_name.removeprefix("before-call.")] += 1
