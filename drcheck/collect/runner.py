"""Runs a Plan against AWS accounts and returns the inventory: the only code that calls AWS.

Scheduling only: the calls are in calls.py and the resource records in records.py, the worker
threads and deadlines in workers.py.
Concurrency: one bounded pool of worker threads; the main thread alone schedules work and merges
results, so workers never wait on each other and never touch shared state (a detail task works on
its own copy of the resource). Each list call is one task; each resource's detail calls are one
task, run in declared order because later details may use earlier results (DynamoDB tags need
the ARN that DescribeTable returns). Children (e.g. backup selections) are listed once their
parent type is complete in that account and Region.

A scan always ends: a call gets `Deadlines.call` seconds (all its attempts), the collection
`Deadlines.scan`; work that did not finish in time becomes UNKNOWN with that reason and the
inventory is still returned. Ctrl-C cancels queued work at once and stops running work at its
next call (KeyboardInterrupt propagates; nothing is returned).
"""

from __future__ import annotations

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
from drcheck.collect.workers import Deadlines, Task, WorkerPool
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
    deadlines: Deadlines | None = None,
) -> dict:
    """Collect what `plan` asks for from every account and Region; returns the inventory dict."""
    started = now or datetime.now(UTC)
    for account in accounts:
        for pc in plan.collectors:
            for region in _regions_for(pc.collector, account):
                key = (pc.collector.service, region)
                if key not in account.clients:
                    account.clients[key] = client_factory(account.session, pc.collector.service, region)
    pool = WorkerPool(max_workers, deadlines or Deadlines())
    clients = [client for account in accounts for client in account.clients.values()]
    run = _Run(plan, accounts, progress, pool)
    with pool.watching(clients):
        run.execute()
    inventory = {
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
    if pool.stopped is not None:
        inventory["stopped_early"] = {"reason": pool.stopped, "unfinished_tasks": pool.unfinished}
    return inventory


def _regions_for(collector: Collector, account: AccountTarget) -> list[str]:
    # Global services are listed once per account, through the first scanned Region's endpoint.
    return [account.regions[0]] if collector.scope == "global" else list(account.regions)


def _scope_region(collector: Collector, region: str) -> str:
    return GLOBAL_REGION if collector.scope == "global" else region


class _Run:
    """State of one collection run. Only the main thread mutates it."""

    def __init__(self, plan: Plan, accounts: list[AccountTarget], progress: ProgressCallback | None,
                 pool: WorkerPool):
        self.plan = plan
        self.accounts = accounts
        self.progress = progress
        self.pool = pool
        self.resources: list[dict] = []
        self.errors: list[dict] = []
        self.collections: dict[tuple[str, str, str], dict] = {}
        self.outstanding: dict[tuple[str, str, str], int] = defaultdict(int)

    # -- scheduling ---------------------------------------------------------------------------

    def execute(self) -> None:
        for account in self.accounts:
            for pc in self.plan.collectors:
                if pc.collector.parent:
                    continue
                for region in _regions_for(pc.collector, account):
                    self._start_listing(pc, account, region, parents=None)
        self.pool.run(self.progress)

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
        collector = pc.collector
        if parents is None:
            parents_params: list[tuple[dict | None, dict]] = [(None, {})]
        else:
            parents_params = [(parent, {param: jmespath.search(parent_field, parent["properties"])
                                        for param, parent_field in collector.parent_params.items()})
                              for parent in parents]
        for parent, params in parents_params:
            self.outstanding[scope] += 1
            self.pool.submit(Task(
                label=label, operation=collector.list_operation, fn=list_items, args=(client, collector, params),
                done=functools.partial(self._listed, pc=pc, account=account, region=region, parent=parent),
                failed=functools.partial(self._list_failed, pc=pc, account=account, region=region, parent=parent)))
        if parents is not None and not parents:
            self._scope_complete(pc, account, region)

    def _list_failed(self, exc: BaseException, pc: PlannedCollector, account: AccountTarget, region: str,
                     parent: dict | None) -> None:
        """A failed, timed-out or cancelled list call: every rule on this type here becomes UNKNOWN."""
        scope = self._scope_key(pc, account, region)
        collector = pc.collector
        error = call_error(collector.list_operation, collector.list_permission, exc)
        if error.error_code in collector.not_configured:
            self._listed([], pc, account, region, parent)
            return
        self._record_error(account, scope[1], collector, error, parent)
        record = self.collections[scope]
        record["status"] = "error"
        record.setdefault("errors", []).append(error.as_dict())
        self._task_done(pc, account, region)

    def _listed(self, items: list, pc: PlannedCollector, account: AccountTarget, region: str,
                parent: dict | None) -> None:
        scope = self._scope_key(pc, account, region)
        collector = pc.collector
        client = account.clients[(collector.service, region)]
        new = [new_resource(collector, item, account, scope[1], parent) for item in items]
        listed = frozenset(r["id"] for r in new)
        details = pc.details()
        for resource in new:
            self.resources.append(resource)
            if not details:
                finish_resource(collector, resource, account)
                continue
            self.outstanding[scope] += 1
            # The worker fills its own copy; the main thread takes what it found (all of it, or
            # what it had when its time ran out), so an abandoned call can never race a reader.
            work = {**resource, "properties": dict(resource["properties"]),
                    "unavailable": dict(resource["unavailable"])}
            self.pool.submit(Task(
                label=f"{account.account_id} {resource['region']} {collector.service}",
                operation=details[0].operation, fn=run_details, args=(client, collector, details, work, listed),
                done=functools.partial(self._detailed, resource=resource, work=work, pc=pc, account=account,
                                       region=region),
                failed=functools.partial(self._details_stopped, resource=resource, work=work, pc=pc,
                                         account=account, region=region)))
        self._task_done(pc, account, region)

    def _detailed(self, errors: list[CallError], resource: dict, work: dict, pc: PlannedCollector,
                  account: AccountTarget, region: str) -> None:
        # run_details never raises: each failed call is recorded on the resource.
        resource["properties"], resource["unavailable"] = work["properties"], work["unavailable"]
        for error in errors:
            self._record_error(account, resource["region"], pc.collector, error, resource)
        finish_resource(pc.collector, resource, account)
        self._task_done(pc, account, region)

    def _details_stopped(self, exc: BaseException, resource: dict, work: dict, pc: PlannedCollector,
                         account: AccountTarget, region: str) -> None:
        """Details cut short (deadline, cancellation, a bug): keep what was read, the rest is UNKNOWN."""
        # dict() copies are atomic under the GIL, even while an abandoned worker still writes.
        properties, unavailable = dict(work["properties"]), dict(work["unavailable"])
        recorded = False
        for detail in pc.details():
            if detail.key in properties or detail.key in unavailable:
                continue
            if detail.skip_if_present and properties.get(detail.skip_if_present) is not None:
                continue
            error = call_error(detail.operation, detail.permission, exc)
            unavailable[detail.key] = error.as_dict()
            if not recorded:  # one inventory error per resource, not one per detail it could not read
                self._record_error(account, resource["region"], pc.collector, error, resource)
                recorded = True
        resource["properties"], resource["unavailable"] = properties, unavailable
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

