"""Where each S3 bucket's replication rules send data, with the destination's Region resolved."""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex


def link_replication_destinations(index: ResourceIndex) -> None:
    """derived.replication_destinations: one entry per replication rule.

    Each entry: RuleId, Status, Bucket (destination name), Account, DestinationRegion and
    CrossRegion. The destination's Region comes from the inventory (buckets in any scanned
    account); when the destination is outside the scan, DestinationRegion and CrossRegion are
    left out and _unavailable says why, so a rule asking "cross-region?" answers UNKNOWN.
    """
    buckets = {r["id"]: r for r in index.of_type("AWS::S3::Bucket")}
    for bucket in buckets.values():
        problem = index.detail_problem(bucket, "ReplicationConfiguration")
        if problem:
            index.set_unknown(bucket, "replication_destinations", problem)
            continue
        config = bucket["properties"]["ReplicationConfiguration"]
        destinations = []
        for rule in (config or {}).get("Rules", []):
            destination = rule.get("Destination") or {}
            bucket_arn = str(destination.get("Bucket", ""))
            name = bucket_arn.split(":::")[-1]
            entry = {
                "RuleId": rule.get("ID"),
                "Status": rule.get("Status"),
                "Bucket": name,
                "Account": destination.get("Account") or bucket["account_id"],
                "ReplicationTime": (destination.get("ReplicationTime") or {}).get("Status", "Disabled"),
            }
            target = buckets.get(name)
            region = target["region"] if target and target["region"] != "unknown" else None
            if region:
                entry["DestinationRegion"] = region
                entry["CrossRegion"] = region != bucket["region"]
            else:
                reason = (f"destination bucket {name} is outside the scan and its Region could not be learned"
                          if not target else f"Region of destination bucket {name} could not be read")
                entry["_unavailable"] = {"DestinationRegion": {"reason": reason}, "CrossRegion": {"reason": reason}}
            destinations.append(entry)
        index.set_derived(bucket, "replication_destinations", destinations)


LINKERS = (
    Linker(
        name="s3-replication-destinations",
        provides={"AWS::S3::Bucket": ("replication_destinations",)},
        requires={"AWS::S3::Bucket": ("ReplicationConfiguration",)},
        link=link_replication_destinations,
    ),
)
