"""Runs a Plan against AWS accounts and returns the inventory: the only code that calls AWS.

Scheduling only: the calls are in calls.py and the resource records in records.py.
Concurrency: one bounded thread pool; the main thread alone schedules work and merges results,
so workers never wait on each other. Each list call is one task; each resource's detail calls are
one task, run in declared order because later details may use earlier results (DynamoDB tags need
the ARN that DescribeTable returns). Children (e.g. backup selections) are listed once their
parent type is complete in that account and Region.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import jmespath

from drcheck import __version__
from drcheck.collect.calls import CallError, call_error, list_items, run_details
from drcheck.collect.plan import Plan, PlannedCollector
from drcheck.collect.records import finish_resource, new_resource
from drcheck.collectors.spec import Collector
from drcheck.model import INVENTORY_SCHEMA_VERSION

GLOBAL_REGION = "global"


@dataclass
class AccountTarget:
    """One AWS account to scan: a ready session (credentials resolved) and its Regions."""

    session: Any  # boto3.Session
    account_id: str
    partition: str
    regions: list[str]
    name: str | None = None
    skipped_regions: list[dict] = field(default_factory=list)  # [{"region", "reason"}]
    clients: dict[tuple[str, str], Any] = field(default_factory=dict)


# (tasks done, tasks scheduled, "account region service" of the task that just finished)
ProgressCallback = Callable[[int, int, str], None]


def collect(
    plan: Plan,
    accounts: list[AccountTarget],
    *,
    client_factory: Callable[[Any, str, str], Any],
    max_workers: int = 16,
    progress: ProgressCallback | None = None,
    now: datetime | None = None,
    unreachable: list[dict] | None = None,
) -> dict:
    """Collect what `plan` asks for from every account and Region; returns the inventory dict."""
    started = now or datetime.now(UTC)
    for account in accounts:
        for pc in plan.collectors:
            for region in _regions_for(pc.collector, account):
                key = (pc.collector.service, region)
                if key not in account.clients:
                    account.clients[key] = client_factory(account.session, pc.collector.service, region)
    run = _Run(plan, accounts, progress)
    with cf.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="drcheck") as pool:
        run.execute(pool)
    return {
        "schema_version": INVENTORY_SCHEMA_VERSION,
        "tool": f"drcheck {__version__}",
        "generated_at": started.isoformat(timespec="seconds"),
        "accounts": [
            {"account_id": a.account_id, "partition": a.partition, "name": a.name, "regions": a.regions,
             "skipped_regions": a.skipped_regions}
            for a in accounts
        ],
        "regions": sorted({r for a in accounts for r in a.regions}),
        "unreachable_accounts": list(unreachable or []),
        "plan": {pc.resource_type: sorted(pc.detail_keys) for pc in plan.collectors},
        "collections": sorted(run.collections.values(), key=lambda c: (c["account_id"], c["region"],
                                                                         c["resource_type"])),
        "resources": run.resources,
        "errors": run.errors,
    }


def _regions_for(collector: Collector, account: AccountTarget) -> list[str]:
    # Global services are listed once per account, through the first scanned Region's endpoint.
    return [account.regions[0]] if collector.scope == "global" else list(account.regions)


def _scope_region(collector: Collector, region: str) -> str:
    return GLOBAL_REGION if collector.scope == "global" else region


class _Run:
    """State of one collection run. Only the main thread mutates it."""

    def __init__(self, plan: Plan, accounts: list[AccountTarget], progress: ProgressCallback | None):
        self.plan = plan
        self.accounts = accounts
        self.progress = progress
        self.resources: list[dict] = []
        self.errors: list[dict] = []
        self.collections: dict[tuple[str, str, str], dict] = {}
        self.outstanding: dict[tuple[str, str, str], int] = defaultdict(int)
        self.parents_done: dict[tuple[str, str, str], list[dict]] = {}
        self.futures: dict[cf.Future, tuple[Callable[[cf.Future], None], str]] = {}
        self.scheduled = 0
        self.done = 0

    # -- scheduling ---------------------------------------------------------------------------

    def execute(self, pool: cf.ThreadPoolExecutor) -> None:
        self.pool = pool
        for account in self.accounts:
            for pc in self.plan.collectors:
                if pc.collector.parent:
                    continue
                for region in _regions_for(pc.collector, account):
                    self._start_listing(pc, account, region, parents=None)
        while self.futures:
            finished, _ = cf.wait(list(self.futures), return_when=cf.FIRST_COMPLETED)
            label = ""
            for future in finished:
                handler, label = self.futures.pop(future)
                self.done += 1
                handler(future)
            if self.progress:
                self.progress(self.done, self.scheduled, label)

    def _submit(self, fn: Callable, handler: Callable[[cf.Future], None], label: str, *args) -> None:
        future = self.pool.submit(fn, *args)
        self.futures[future] = (handler, label)
        self.scheduled += 1

    def _scope_key(self, pc: PlannedCollector, account: AccountTarget, region: str):
        return (account.account_id, _scope_region(pc.collector, region), pc.resource_type)

    def _start_listing(self, pc: PlannedCollector, account: AccountTarget, region: str,
                       parents: list[dict] | None) -> None:
        scope = self._scope_key(pc, account, region)
        self.collections[scope] = {
            "account_id": account.account_id,
            "region": scope[1],
            "resource_type": pc.resource_type,
            "status": "ok",
            "details": sorted(pc.detail_keys),
        }
        client = account.clients[(pc.collector.service, region)]
        label = f"{account.account_id} {scope[1]} {pc.collector.service}"
        if parents is None:
            self.outstanding[scope] += 1
            self._submit(list_items, lambda f: self._listed(f, pc, account, region, None), label,
                         client, pc.collector, {})
            return
        for parent in parents:
            params = {}
            for param, parent_field in pc.collector.parent_params.items():
                params[param] = jmespath.search(parent_field, parent["properties"])
            self.outstanding[scope] += 1
            self._submit(list_items, functools.partial(self._listed, pc=pc, account=account, region=region,
                                                       parent=parent), label, client, pc.collector, params)
        if not parents:
            self._scope_complete(pc, account, region)

    def _listed(self, future: cf.Future, pc: PlannedCollector, account: AccountTarget, region: str,
                parent: dict | None) -> None:
        scope = self._scope_key(pc, account, region)
        collector = pc.collector
        try:
            items = future.result()
        except Exception as exc:  # recorded, and every rule on this type here becomes UNKNOWN
            error = call_error(collector.list_operation, collector.list_permission, exc)
            if error.error_code in collector.not_configured:
                items = []
            else:
                self._record_error(account, scope[1], collector, error, parent)
                record = self.collections[scope]
                record["status"] = "error"
                record.setdefault("errors", []).append(error.as_dict())
                items = []
        client = account.clients[(collector.service, region)]
        new = [new_resource(collector, item, account, scope[1], parent) for item in items]
        listed = frozenset(r["id"] for r in new)
        for resource in new:
            self.resources.append(resource)
            details = pc.details()
            if details:
                self.outstanding[scope] += 1
                self._submit(run_details, functools.partial(self._detailed, resource=resource, pc=pc, account=account,
                                                            region=region),
                             f"{account.account_id} {resource['region']} {collector.service}",
                             client, collector, details, resource, listed)
            else:
                finish_resource(collector, resource, account)
        self._task_done(pc, account, region)

    def _detailed(self, future: cf.Future, resource: dict, pc: PlannedCollector, account: AccountTarget,
                  region: str) -> None:
        # run_details never raises: each failed call is recorded on the resource.
        for error in future.result():
            self._record_error(account, resource["region"], pc.collector, error, resource)
        finish_resource(pc.collector, resource, account)
        self._task_done(pc, account, region)

    def _task_done(self, pc: PlannedCollector, account: AccountTarget, region: str) -> None:
        scope = self._scope_key(pc, account, region)
        self.outstanding[scope] -= 1
        if self.outstanding[scope] == 0:
            self._scope_complete(pc, account, region)

    def _scope_complete(self, pc: PlannedCollector, account: AccountTarget, region: str) -> None:
        scope = self._scope_key(pc, account, region)
        children = self.plan.children_of(pc.resource_type)
        if not children:
            return
        parent_record = self.collections[scope]
        parents = [r for r in self.resources if r["account_id"] == account.account_id
                   and r["resource_type"] == pc.resource_type and _in_scope(r, scope[1])]
        for child in children:
            self._start_listing(child, account, region, parents)
            if parent_record["status"] != "ok":
                child_record = self.collections[self._scope_key(child, account, region)]
                child_record["status"] = "error"
                child_record.setdefault("errors", []).extend(parent_record.get("errors", []))

    def _record_error(self, account: AccountTarget, region: str, collector: Collector, error: CallError,
                      resource: dict | None) -> None:
        entry = {
            "account_id": account.account_id,
            "region": region,
            "service": collector.service,
            "resource_type": collector.resource_type,
            **error.as_dict(),
        }
        if resource is not None:
            entry["resource_id"] = resource["id"]
        self.errors.append(entry)


def _in_scope(resource: dict, scope_region: str) -> bool:
    return scope_region == GLOBAL_REGION or resource["region"] == scope_region
