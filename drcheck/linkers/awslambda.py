"""Lambda facts: which AWS services the function's resource policy lets invoke it asynchronously.

Lambda retries an asynchronous invocation twice and then drops the event unless the function has
a dead-letter queue or an on-failure destination. Whether a function is invoked asynchronously
is not a setting; the services that can only invoke it that way (Lambda developer guide,
"Invoking a Lambda function asynchronously" and the event-source pages) must be allowed by its
resource policy, so the policy tells. Direct asynchronous calls by IAM principals of the same
account need no policy statement and cannot be seen.
"""

from __future__ import annotations

import json

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.policies import applies_to_everyone, covers_action, service_principals, statements

FUNCTION = "AWS::Lambda::Function"
ASYNC_SERVICES = frozenset({
    "s3.amazonaws.com", "sns.amazonaws.com", "ses.amazonaws.com", "events.amazonaws.com",
    "logs.amazonaws.com", "codecommit.amazonaws.com", "config.amazonaws.com", "iot.amazonaws.com",
    "iotevents.amazonaws.com", "lambda.alarms.cloudwatch.amazonaws.com",
})


def _is_async_service(principal: str) -> bool:
    # CloudWatch Logs principals may be Region-qualified: logs.us-east-1.amazonaws.com
    return principal in ASYNC_SERVICES or (principal.startswith("logs.") and principal.endswith(".amazonaws.com"))


def link_async_invokers(index: ResourceIndex) -> None:
    """derived.async_invokers: services allowed to invoke the function that invoke asynchronously
    ("*" when the policy lets anyone invoke it)."""
    for function in index.of_type(FUNCTION):
        problem = index.detail_problem(function, "Policy")
        if problem:
            index.set_unknown(function, "async_invokers", problem)
            continue
        policy = function["properties"]["Policy"]
        if policy is None:  # no resource policy: no AWS service may invoke it
            index.set_derived(function, "async_invokers", [])
            continue
        try:
            found = statements(policy)
        except (ValueError, json.JSONDecodeError) as exc:
            index.set_unknown(function, "async_invokers", f"cannot read the function policy: {exc}")
            continue
        allowing = [s for s in found if s.get("Effect") == "Allow" and covers_action(s, "lambda:InvokeFunction")]
        invokers = {p for s in allowing for p in service_principals(s) if _is_async_service(p)}
        # Principal "*" (or {"AWS": "*"}, or a NotPrincipal) lets anyone invoke it, the
        # asynchronous services included: that is the widest set of asynchronous invokers, not none.
        if any(applies_to_everyone(s) for s in allowing):
            invokers.add("*")
        index.set_derived(function, "async_invokers", sorted(invokers))


LINKERS = (
    Linker(
        name="lambda-async-invokers",
        provides={FUNCTION: ("async_invokers",)},
        reads={FUNCTION: ("Policy",)},
        link=link_async_invokers,
    ),
)
