"""Copies of a volume's snapshots in other scanned Regions.

EBS records no source on a copied snapshot except its description: a copy gets an arbitrary
volume id ("do not use it for any purpose"), and the console describes a copy as
"[Copied snap-… from <region>] <source description>". Following that chain (copies of copies
too) back to a snapshot whose VolumeId is real ties the copy to its volume. Copies described
otherwise cannot be tied to a volume and are not counted here; AWS Backup and DLM copies are
credited through their plan or policy (derived.backup_copies, derived.dlm_policies) instead.
"""

from __future__ import annotations

import re

from drcheck import unknowns
from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex

COPIED_FROM = re.compile(r"\[Copied (snap-[0-9a-f]+) from ([a-z]{2}(?:-[a-z]+)+-\d+)\]")
MAX_CHAIN = 10  # copies of copies; a loop in made-up descriptions must not hang the linker


def _origin(snapshots: dict, key: tuple[str, str, str]) -> tuple[tuple[str, str, str], str | None] | None:
    """((account, Region, VolumeId), StartTime) of the snapshot a copy was ultimately taken
    from, if the whole chain is in the scan. That StartTime is when the copied data was read."""
    for _ in range(MAX_CHAIN):
        snapshot = snapshots.get(key)
        if snapshot is None:
            return None
        props = snapshot["properties"]
        match = COPIED_FROM.search(str(props.get("Description") or ""))
        if not match:
            volume = props.get("VolumeId")
            return ((key[0], key[1], volume), props.get("StartTime")) if volume else None
        key = (key[0], match.group(2), match.group(1))
    return None


def link_snapshot_copies(index: ResourceIndex) -> None:
    """derived.snapshot_copies: completed copies in other Regions [{Region, SnapshotId, StartTime,
    DataTime}], newest data first; DataTime is the source snapshot's StartTime (the copy's own
    StartTime is when the copy began, which can be much later)."""
    snapshots = {(s["account_id"], s["region"], s["id"]): s for s in index.of_type("AWS::EC2::Snapshot")}
    copies: dict[tuple[str, str, str], list[dict]] = {}
    for key, snapshot in snapshots.items():
        props = snapshot["properties"]
        if props.get("State") != "completed" or not COPIED_FROM.search(str(props.get("Description") or "")):
            continue
        found = _origin(snapshots, key)
        if found and found[0][1] != snapshot["region"]:
            copies.setdefault(found[0], []).append({"Region": snapshot["region"], "SnapshotId": snapshot["id"],
                                                    "StartTime": props.get("StartTime"), "DataTime": found[1]})
    for volume in index.of_type("AWS::EC2::Volume"):
        # A Region whose snapshots could not be listed may hold a newer copy (or the source
        # snapshot a copy points to), so any such Region makes the answer unknown.
        problems = index.problems_in_account(volume["account_id"], "AWS::EC2::Snapshot")
        if problems:
            index.set_unknown(volume, "snapshot_copies", unknowns.join(problems))
            continue
        volume_copies = copies.get((volume["account_id"], volume["region"], volume["id"]), [])
        index.set_derived(volume, "snapshot_copies",
                          sorted(volume_copies, key=lambda c: str(c["DataTime"]), reverse=True))


LINKERS = (
    Linker(
        name="ebs-snapshot-copies",
        provides={"AWS::EC2::Volume": ("snapshot_copies",)},
        reads={"AWS::EC2::Snapshot": (), "AWS::EC2::Volume": ()},
        link=link_snapshot_copies,
    ),
)
