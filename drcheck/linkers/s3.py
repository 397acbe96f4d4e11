"""Where each S3 bucket's replication rules send data (destination Region resolved), and which
buckets in the scan replicate into each bucket."""

from __future__ import annotations

from drcheck import arns, unknowns
from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.regions import known_region, other_region
from drcheck.unknowns import Reason


def destination_name(destination_bucket: object) -> str:
    """Replication names the destination by ARN (arn:aws:s3:::name)."""
    return arns.s3_bucket_name(destination_bucket)


def _destination_region(target: dict | None, bucket: dict, name: str) -> tuple[str | None, str | None]:
    """(Region, None) or (None, why it is not known).

    Order of sources: the destination bucket's own inventory record (any scanned account), then
    the Region HeadBucket reported for a destination outside the listing.
    """
    if target and target["region"] != "unknown":
        return target["region"], None
    probe = (bucket["properties"].get("DestinationBucketRegions") or {}).get(name) or {}
    if probe.get("BucketRegion"):
        return probe["BucketRegion"], None
    if target:
        return None, f"Region of destination bucket {name} could not be read"
    why = f"destination bucket {name} is outside the scan and its Region could not be learned"
    if probe.get("Error"):
        why += f" (HeadBucket: {probe['Error']})"
    return None, why


def link_replication(index: ResourceIndex) -> None:
    """derived.replication_destinations and derived.replicated_from for every bucket.

    replication_destinations: one entry per replication rule (RuleId, Status, Bucket, Account,
    ReplicationTime, DestinationRegion, CrossRegion; DestinationExists false when HeadBucket found
    no such bucket). When the destination's Region cannot be
    learned, DestinationRegion and CrossRegion are left out and `_unavailable` says why, so a
    rule asking "cross-region?" answers UNKNOWN, never a guess.

    replicated_from: the buckets in this scan whose enabled rules replicate into this one
    (SourceBucket, SourceRegion, RuleId, CrossRegion): a DR copy does not need its own copy.
    It is unknown when some bucket's replication configuration could not be read and no
    cross-Region source is known, because that bucket might be a source.
    """
    buckets = {r["id"]: r for r in index.of_type("AWS::S3::Bucket")}
    sources: dict[str, list[dict]] = {name: [] for name in buckets}
    unreadable: dict[str, str] = {}  # bucket -> why its replication configuration is not known
    for bucket in buckets.values():
        problem = index.detail_problem(bucket, "ReplicationConfiguration")
        if problem:
            index.set_unknown(bucket, "replication_destinations", problem)
            unreadable[bucket["id"]] = problem
            continue
        config = bucket["properties"]["ReplicationConfiguration"]
        destinations = []
        for rule in (config or {}).get("Rules", []):
            destination = rule.get("Destination") or {}
            name = destination_name(destination.get("Bucket"))
            entry = {
                "RuleId": rule.get("ID"),
                "Status": rule.get("Status"),
                "Bucket": name,
                "Account": destination.get("Account") or bucket["account_id"],
                "ReplicationTime": (destination.get("ReplicationTime") or {}).get("Status", "Disabled"),
            }
            target = buckets.get(name)
            region, why = _destination_region(target, bucket, name)
            probe = (bucket["properties"].get("DestinationBucketRegions") or {}).get(name) or {}
            if not target and probe.get("Exists") is False:
                # HeadBucket said 404: the rule replicates into nothing, which copies no data.
                entry.update(DestinationExists=False, DestinationRegion=None, CrossRegion=False)
            elif region:
                entry["DestinationRegion"] = region
                cross = other_region(region, bucket["region"])
                if cross is None:
                    entry["_unavailable"] = {"CrossRegion": {"reason": f"the Region of bucket {bucket['id']} "
                                                                      "itself could not be read"}}
                else:
                    entry["CrossRegion"] = cross
            else:
                entry["_unavailable"] = {"DestinationRegion": {"reason": why}, "CrossRegion": {"reason": why}}
            destinations.append(entry)
            if target is not None and rule.get("Status") == "Enabled":
                source = {"SourceBucket": bucket["id"], "SourceRegion": bucket["region"], "RuleId": rule.get("ID")}
                cross = other_region(bucket["region"], target["region"])
                if cross is None:
                    source["_unavailable"] = {"CrossRegion": {"reason": (
                        f"the Region of bucket {bucket['id'] if known_region(bucket['region']) is None else name} "
                        "could not be read")}}
                else:
                    source["CrossRegion"] = cross
                sources[name].append(source)
        index.set_derived(bucket, "replication_destinations", destinations)
    for name, bucket in buckets.items():
        known = sources[name]
        others = [b for b in unreadable if b != name]
        if others and not any(s.get("CrossRegion") is True for s in known):
            why = unknowns.join(unreadable[b] for b in sorted(others))
            index.set_unknown(bucket, "replicated_from", Reason(
                f"replication configuration of {', '.join(sorted(others)[:5])} could not be read, "
                "so whether they replicate into this bucket is not known", why.causes))
        else:
            index.set_derived(bucket, "replicated_from", known)


LINKERS = (
    Linker(
        name="s3-replication",
        provides={"AWS::S3::Bucket": ("replication_destinations", "replicated_from")},
        reads={"AWS::S3::Bucket": ("ReplicationConfiguration", "DestinationBucketRegions")},
        link=link_replication,
    ),
)
