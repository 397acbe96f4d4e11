"""Resource records: built from a list item, completed (Region, ARN, tags, name) after the details."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jmespath

from drcheck.collect.jsonable import to_jsonable
from drcheck.collectors.spec import Collector
from drcheck.unknowns import NOT_CALLED

if TYPE_CHECKING:  # the runner imports this module; the type is only for readers and mypy
    from drcheck.collect.runner import AccountTarget


def new_resource(collector: Collector, item: Any, account: AccountTarget, region: str,
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


def finish_resource(collector: Collector, resource: dict, account: AccountTarget) -> None:
    """Fill identity (Region, ARN, tags, name) once the details are in."""
    properties = resource["properties"]
    for detail in collector.details:
        if detail.key not in properties and detail.key not in resource["unavailable"]:
            if detail.skip_if_present and properties.get(detail.skip_if_present) is not None:
                continue
            resource["unavailable"][detail.key] = {
                "kind": NOT_CALLED, "operation": detail.operation,
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
