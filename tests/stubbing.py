"""Collect through botocore's Stubber for APIs moto does not implement.

The Stubber checks every request's parameters and every canned response against the real API
shapes, so a typo in a declaration or a canned answer fails the test. Calls are answered in the
order they are queued, so these helpers run the collector with one worker thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.stub import Stubber

from drcheck.collect.guard import install_read_only_guard
from drcheck.collect.plan import make_plan
from drcheck.collect.runner import AccountTarget, collect
from drcheck.evaluate import evaluate
from drcheck.link import link

ACCOUNT = "123456789012"


@dataclass
class Call:
    """One expected call: operation (boto3 method name), response or error code, expected params."""

    method: str
    response: Mapping[str, Any] | None = None
    params: Mapping[str, Any] | None = None
    error: str | None = None
    status: int = 400


@dataclass
class Stubs:
    calls: dict[str, list[Call]]  # service -> calls in order
    stubbers: list[Stubber] = field(default_factory=list)

    def factory(self, session: Any, service: str, region: str) -> Any:
        client = boto3.client(service, region_name=region, aws_access_key_id="testing",
                              aws_secret_access_key="testing")
        install_read_only_guard(client)
        stubber = Stubber(client)
        for call in self.calls.get(service, []):
            if call.error:
                stubber.add_client_error(call.method, service_error_code=call.error, service_message="stubbed",
                                         http_status_code=call.status, expected_params=call.params)
            else:
                stubber.add_response(call.method, dict(call.response or {}), call.params)
        stubber.activate()
        self.stubbers.append(stubber)
        return client

    def assert_all_used(self) -> None:
        for stubber in self.stubbers:
            stubber.assert_no_pending_responses()


def stub_collect(catalogue, needs: Iterable[tuple[str, Iterable[str]]], calls: dict[str, list[Call]],
                 region: str = "us-east-1") -> dict:
    """Collect `needs` with the stubbed calls; fails if a queued call was not made."""
    plan = make_plan(needs, catalogue.collectors, catalogue.linkers)
    stubs = Stubs(calls)
    target = AccountTarget(session=None, account_id=ACCOUNT, partition="aws", regions=[region])
    inventory = collect(plan, [target], client_factory=stubs.factory, max_workers=1)
    stubs.assert_all_used()
    return inventory


def findings_for(catalogue, inventory: dict, rule_id: str) -> list[dict]:
    rules = [r for r in catalogue.rules if r.id == rule_id]
    assert rules, f"no rule {rule_id}"
    return evaluate(rules, link(inventory, catalogue.linkers))


def resource(resource_type: str, rid: str, properties: dict | None = None, *, region: str = "us-east-1",
             arn: str | None = None, tags: dict | None = None, account: str = ACCOUNT,
             unavailable: dict | None = None) -> dict:
    """A collected resource record, as the runner would store it."""
    return {"resource_type": resource_type, "service": resource_type.split("::")[1].lower(),
            "account_id": account, "region": region, "id": rid, "arn": arn, "name": rid,
            "tags": tags or {}, "properties": properties or {}, "unavailable": unavailable or {}}


def inventory_of(resources: list[dict], types: Iterable[str], *, regions: Iterable[str] = ("us-east-1",),
                 failed: Mapping[tuple[str, str], str] | None = None,
                 generated_at: str = "2026-01-15T12:00:00+00:00") -> dict:
    """A hand-built inventory in which every (Region, type) given was collected (or failed)."""
    failed = failed or {}
    collections = []
    for region in regions:
        for resource_type in types:
            record = {"account_id": ACCOUNT, "region": region, "resource_type": resource_type, "status": "ok"}
            if (region, resource_type) in failed:
                reason = failed[(region, resource_type)]
                record.update(status="error", errors=[{"reason": reason, "permission": "x:Y"}])
            collections.append(record)
    return {"generated_at": generated_at, "accounts": [{"account_id": ACCOUNT}], "regions": list(regions),
            "collections": collections, "resources": resources, "errors": []}
