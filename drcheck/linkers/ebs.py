"""EBS protection facts: the newest completed snapshot of each volume (DLM policies: linkers/dlm.py)."""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex


def link_latest_snapshot(index: ResourceIndex) -> None:
    """derived.latest_snapshot_time: StartTime of the newest completed snapshot (None if none)."""
    latest: dict[tuple[str, str, str], str] = {}
    for snapshot in index.of_type("AWS::EC2::Snapshot"):
        props = snapshot["properties"]
        if props.get("State") != "completed" or not props.get("VolumeId") or not props.get("StartTime"):
            continue
        key = (snapshot["account_id"], snapshot["region"], props["VolumeId"])
        # ISO-8601 UTC strings compare in time order.
        if props["StartTime"] > latest.get(key, ""):
            latest[key] = props["StartTime"]
    for volume in index.of_type("AWS::EC2::Volume"):
        problem = index.problem(volume["account_id"], volume["region"], "AWS::EC2::Snapshot")
        key = (volume["account_id"], volume["region"], volume["id"])
        if key in latest:
            index.set_derived(volume, "latest_snapshot_time", latest[key])
        elif problem:
            index.set_unknown(volume, "latest_snapshot_time", problem)
        else:
            index.set_derived(volume, "latest_snapshot_time", None)


LINKERS = (
    Linker(
        name="ebs-latest-snapshot",
        provides={"AWS::EC2::Volume": ("latest_snapshot_time",)},
        reads={"AWS::EC2::Snapshot": (), "AWS::EC2::Volume": ()},
        link=link_latest_snapshot,
    ),
)
