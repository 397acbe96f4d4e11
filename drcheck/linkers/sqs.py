"""SQS facts: each queue's dead-letter queue (does it exist, how long does it keep messages), and
whether the queue is itself some queue's dead-letter queue.

A dead-letter queue must be in the same account and Region as its source queue, so both sides
are resolved within one scope. For standard queues a message keeps its original enqueue time in
the dead-letter queue, so a dead-letter queue that keeps messages no longer than its source lets
them expire on arrival (SQS developer guide, "Using dead-letter queues").
"""

from __future__ import annotations

import json

from drcheck import unknowns
from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex

QUEUE = "AWS::SQS::Queue"
# CreateQueue: "MessageRetentionPeriod ... Default: 345,600 (4 days)" (SQS API reference); a queue
# whose attributes omit it keeps messages that long.
DEFAULT_RETENTION_SECONDS = 345_600


def _redrive(queue: dict) -> dict | None:
    raw = (queue["properties"].get("Attributes") or {}).get("RedrivePolicy")
    if not raw:
        return None
    return json.loads(raw) if isinstance(raw, str) else raw


def _retention(queue: dict) -> int:
    return int((queue["properties"].get("Attributes") or {}).get("MessageRetentionPeriod", DEFAULT_RETENTION_SECONDS))


def _allows_only_named_sources(queue: dict) -> bool:
    """A RedriveAllowPolicy naming its source queues marks a queue meant as a dead-letter queue."""
    raw = (queue["properties"].get("Attributes") or {}).get("RedriveAllowPolicy")
    try:
        policy = json.loads(raw) if isinstance(raw, str) else raw or {}
    except json.JSONDecodeError:
        return False
    return isinstance(policy, dict) and policy.get("redrivePermission") == "byQueue"


def link_dead_letter_queues(index: ResourceIndex) -> None:
    """derived.dead_letter_queue and derived.is_dead_letter_queue."""
    queues = index.of_type(QUEUE)
    by_arn = {(q["account_id"], q["arn"]): q for q in queues if q.get("arn")}
    targets: set[tuple[str, str]] = set()
    unreadable: dict[tuple[str, str], list[str]] = {}
    for queue in queues:
        scope = (queue["account_id"], queue["region"])
        problem = index.detail_problem(queue, "Attributes")
        if problem:
            index.set_unknown(queue, "dead_letter_queue", problem)
            unreadable.setdefault(scope, []).append(problem)
            continue
        try:
            redrive = _redrive(queue)
        except json.JSONDecodeError as exc:
            index.set_unknown(queue, "dead_letter_queue", f"cannot read RedrivePolicy: {exc}")
            continue
        if redrive is None:
            index.set_derived(queue, "dead_letter_queue", None)
            continue
        target_arn = str(redrive.get("deadLetterTargetArn"))
        targets.add((queue["account_id"], target_arn))
        target = by_arn.get((queue["account_id"], target_arn))
        entry = {"TargetArn": target_arn, "maxReceiveCount": redrive.get("maxReceiveCount"),
                 "Exists": target is not None}
        if target is not None and (target_problem := index.detail_problem(target, "Attributes")):
            # The 4-day default stands for an answer that omits the attribute, not for no answer.
            index.set_unknown(queue, "dead_letter_queue", target_problem)
            continue
        if target is not None:
            source_retention = _retention(queue)
            target_retention = _retention(target)
            entry["MessageRetentionPeriod"] = target_retention
            entry["RetentionLongerThanSource"] = target_retention > source_retention
        elif (listing_problem := index.problem(*scope, QUEUE)) is not None:
            index.set_unknown(queue, "dead_letter_queue", listing_problem)
            continue
        index.set_derived(queue, "dead_letter_queue", entry)
    for queue in queues:
        scope = (queue["account_id"], queue["region"])
        if (queue["account_id"], queue.get("arn")) in targets or _allows_only_named_sources(queue):
            index.set_derived(queue, "is_dead_letter_queue", True)
        elif unreadable.get(scope) or index.problem(*scope, QUEUE):
            reasons = unreadable.get(scope) or [str(index.problem(*scope, QUEUE))]
            index.set_unknown(queue, "is_dead_letter_queue", unknowns.join(reasons))
        else:
            index.set_derived(queue, "is_dead_letter_queue", False)


LINKERS = (
    Linker(
        name="sqs-dead-letter-queues",
        provides={QUEUE: ("dead_letter_queue", "is_dead_letter_queue")},
        reads={QUEUE: ("Attributes",)},
        link=link_dead_letter_queues,
    ),
)
