"""EFS replication seen from both ends: where a file system replicates to (with the Region
compared), and which file system a read-only replica is a copy of."""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.regions import other_region


def link_replication(index: ResourceIndex) -> None:
    """derived.replication_destinations [{FileSystemId, Region, Status, LastReplicatedTimestamp,
    CrossRegion}] and derived.replicated_from [{SourceFileSystemId, SourceRegion}]."""
    for fs in index.of_type("AWS::EFS::FileSystem"):
        problem = index.detail_problem(fs, "Replications")
        if problem:
            index.set_unknown(fs, "replication_destinations", problem)
            index.set_unknown(fs, "replicated_from", problem)
            continue
        destinations, sources = [], []
        for replication in fs["properties"]["Replications"] or []:
            if replication.get("SourceFileSystemId") == fs["id"]:
                for d in replication.get("Destinations") or []:
                    entry = {
                        "FileSystemId": d.get("FileSystemId"), "Region": d.get("Region"), "Status": d.get("Status"),
                        "LastReplicatedTimestamp": d.get("LastReplicatedTimestamp"),
                    }
                    cross = other_region(d.get("Region"), fs["region"])
                    if cross is None:
                        entry["_unavailable"] = {"CrossRegion": {"reason": "the replication destination names no Region"}}
                    else:
                        entry["CrossRegion"] = cross
                    destinations.append(entry)
            else:
                sources.append({"SourceFileSystemId": replication.get("SourceFileSystemId"),
                                "SourceRegion": replication.get("SourceFileSystemRegion")})
        index.set_derived(fs, "replication_destinations", destinations)
        index.set_derived(fs, "replicated_from", sources)


LINKERS = (
    Linker(
        name="efs-replication",
        provides={"AWS::EFS::FileSystem": ("replication_destinations", "replicated_from")},
        reads={"AWS::EFS::FileSystem": ("Replications",)},
        link=link_replication,
    ),
)
