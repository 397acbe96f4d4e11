"""Runs a Plan against AWS accounts and returns the inventory: the only code that calls AWS.

Concurrency: one bounded thread pool; the main thread alone schedules work and merges results,
so workers never wait on each other. Each list call is one task; each resource's detail calls are
one task, run in declared order because later details may use earlier results (DynamoDB tags need
the ARN that DescribeTable returns). Children (e.g. backup selections) are listed once their
parent type is complete in that account and Region.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import jmespath
from botocore.exceptions import ClientError

from drcheck import __version__
from drcheck.collect.jsonable import to_jsonable
from drcheck.collect.plan import Plan, PlannedCollector
from drcheck.collectors.spec import Collector, Detail
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


@dataclass(frozen=True)
class CallError:
    """A failed AWS call, as recorded in the inventory."""

    operation: str
    permission: str
    error_code: str
    message: str

    def reason(self) -> str:
        return f"{self.operation} failed: {self.error_code} ({self.message}); needs {self.permission}"

    def as_dict(self) -> dict:
        return {
            "operation": self.operation,
            "permission": self.permission,
            "error_code": self.error_code,
            "message": self.message,
            "reason": self.reason(),
        }


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
            self._submit(_list_items, lambda f: self._listed(f, pc, account, region, None), label,
                         client, pc.collector, {})
            return
        for parent in parents:
            params = {}
            for param, parent_field in pc.collector.parent_params.items():
                params[param] = jmespath.search(parent_field, parent["properties"])
            self.outstanding[scope] += 1
            self._submit(_list_items, lambda f, p=parent: self._listed(f, pc, account, region, p), label,
                         client, pc.collector, params)
        if not parents:
            self._scope_complete(pc, account, region)

    def _listed(self, future: cf.Future, pc: PlannedCollector, account: AccountTarget, region: str,
                parent: dict | None) -> None:
        scope = self._scope_key(pc, account, region)
        collector = pc.collector
        try:
            items = future.result()
        except Exception as exc:  # recorded, and every rule on this type here becomes UNKNOWN
            error = _call_error(collector.list_operation, collector.list_permission, exc)
            if error.error_code in collector.not_configured:
                items = []
            else:
                self._record_error(account, scope[1], collector, error, parent)
                record = self.collections[scope]
                record["status"] = "error"
                record.setdefault("errors", []).append(error.as_dict())
                items = []
        client = account.clients[(collector.service, region)]
        new = [_new_resource(collector, item, account, scope[1], parent) for item in items]
        listed = frozenset(r["id"] for r in new)
        for resource in new:
            self.resources.append(resource)
            details = pc.details()
            if details:
                self.outstanding[scope] += 1
                self._submit(_run_details, lambda f, r=resource: self._detailed(f, r, pc, account, region),
                             f"{account.account_id} {resource['region']} {collector.service}",
                             client, collector, details, resource, listed)
            else:
                _finish_resource(collector, resource, account)
        self._task_done(pc, account, region)

    def _detailed(self, future: cf.Future, resource: dict, pc: PlannedCollector, account: AccountTarget,
                  region: str) -> None:
        # _run_details never raises: each failed call is recorded on the resource.
        for error in future.result():
            self._record_error(account, resource["region"], pc.collector, error, resource)
        _finish_resource(pc.collector, resource, account)
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


# -- work done on pool threads: AWS calls only, no shared state --------------------------------


def _list_items(client: Any, collector: Collector, params: dict) -> list:
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


def _run_details(client: Any, collector: Collector, details: tuple[Detail, ...], resource: dict,
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
                "reason": f"{detail.operation} not called: {', '.join(missing)} unavailable",
            }
            continue
        try:
            properties[detail.key] = to_jsonable(_call(client, detail, params))
        except Exception as exc:  # recorded on the resource: rules reading this key say UNKNOWN
            error = _call_error(detail.operation, detail.permission, exc)
            if error.error_code in detail.not_configured:
                properties[detail.key] = to_jsonable(detail.not_configured_value)
                continue
            resource["unavailable"][detail.key] = error.as_dict()
            errors.append(error)
    return errors


def _call(client: Any, detail: Detail, params: dict) -> Any:
    method = _method_name(detail.operation)
    if detail.paginate and client.can_paginate(method):
        response = client.get_paginator(method).paginate(**params).build_full_result()
    else:
        response = getattr(client, method)(**params)
    response.pop("ResponseMetadata", None)
    return jmespath.search(detail.result, response) if detail.result else response


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
            error = _call_error(detail.operation, detail.permission, exc)
            answer = None
            if detail.answer_in_error is not None and isinstance(exc, ClientError):
                answer = detail.answer_in_error(exc.response)
            if answer is None:
                errors.append(error)
                answer = {"Error": f"{error.error_code} ({error.message})"}
            results[str(item)] = to_jsonable(answer)
    return results


def _call_error(operation: str, permission: str, exc: BaseException) -> CallError:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "Unknown"))
        message = str(error.get("Message") or exc)
    else:
        # Transport failures, unparseable answers (an emulator's HTML error page), unimplemented
        # operations: none of them is an answer, so the rule that needed it says UNKNOWN.
        code = type(exc).__name__
        message = str(exc)
    return CallError(operation, permission, code, " ".join(message.split())[:300])


def _method_name(operation: str) -> str:
    # botocore's own conversion (DescribeDBInstances -> describe_db_instances).
    from botocore import xform_name

    return xform_name(operation)


# -- resource records ----------------------------------------------------------------------------


def _new_resource(collector: Collector, item: Any, account: AccountTarget, region: str,
                  parent: dict | None) -> dict:
    if collector.item_name and not isinstance(item, dict):
        item = {collector.item_name: item}
    properties = to_jsonable(item)
    if parent is not None:
        # Children carry their parent's identifying parameters (a selection knows its plan).
        for param, parent_field in collector.parent_params.items():
            properties.setdefault(param, jmespath.search(parent_field, parent["properties"]))
    return {
        "resource_type": collector.resource_type,
        "service": collector.service,
        "account_id": account.account_id,
        "region": region,
        "id": region if collector.singleton else str(jmespath.search(collector.id_field, properties) or ""),
        "arn": None,
        "name": None,
        "tags": {},
        "properties": properties,
        "unavailable": {},
    }


def _finish_resource(collector: Collector, resource: dict, account: AccountTarget) -> None:
    """Fill identity (Region, ARN, tags, name) once the details are in."""
    properties = resource["properties"]
    for detail in collector.details:
        if detail.key not in properties and detail.key not in resource["unavailable"]:
            if detail.skip_if_present and properties.get(detail.skip_if_present) is not None:
                continue
            resource["unavailable"][detail.key] = {
                "reason": f"not collected in this scan ({detail.operation} was not needed by the selected rules)"
            }
    if collector.region_of is not None:
        resource["region"] = collector.region_of(properties) or "unknown"
    arn = jmespath.search(collector.arn_field, properties) if collector.arn_field else None
    if not arn and collector.arn_template:
        fields = {**properties, "partition": account.partition, "region": resource["region"],
                  "account_id": account.account_id}
        try:
            arn = collector.arn_template.format(**fields)
        except (KeyError, IndexError):
            arn = None
    resource["arn"] = arn
    resource["tags"] = normalise_tags(jmespath.search(collector.tags_field, properties)
                                      if collector.tags_field else None)
    tags_source = collector.tags_field.split(".")[0] if collector.tags_field else None
    if tags_source and tags_source in resource["unavailable"]:
        # Tags we could not read are unknown, not absent: a rule or workload on a tag must not guess.
        resource["unavailable"]["tags"] = resource["unavailable"][tags_source]
    name = resource["tags"].get("Name") or (
        jmespath.search(collector.name_field, properties) if collector.name_field else None)
    resource["name"] = str(name) if name else resource["id"]


def normalise_tags(raw: Any) -> dict[str, str]:
    """AWS returns tags as [{Key, Value}], [{key, value}] or {key: value}; rules see one dict."""
    if isinstance(raw, dict):
        return {str(k): "" if v is None else str(v) for k, v in raw.items()}
    tags: dict[str, str] = {}
    if isinstance(raw, list):
        for entry in raw:
            if isinstance(entry, dict):
                key = entry.get("Key", entry.get("key"))
                if key is not None:
                    value = entry.get("Value", entry.get("value"))
                    tags[str(key)] = "" if value is None else str(value)
    return tags
