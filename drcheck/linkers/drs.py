"""Elastic Disaster Recovery facts: replication lag in minutes (the API gives an ISO 8601 duration)."""

from __future__ import annotations

import re

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex

SOURCE_SERVER = "AWS::DRS::SourceServer"
_DURATION = re.compile(r"P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
                       r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?")


def duration_minutes(text: str) -> float | None:
    """Minutes in an ISO 8601 duration such as PT1H2M30S (None if it is not one)."""
    match = _DURATION.fullmatch(text.strip()) if isinstance(text, str) and text.strip() not in ("", "P", "PT") else None
    if not match:
        return None
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    return parts["d"] * 1440 + parts["h"] * 60 + parts["m"] + parts["s"] / 60


def link_replication_lag(index: ResourceIndex) -> None:
    """derived.lag_minutes: dataReplicationInfo.lagDuration in minutes."""
    for server in index.of_type(SOURCE_SERVER):
        lag = (server["properties"].get("dataReplicationInfo") or {}).get("lagDuration")
        if lag is None:
            index.set_unknown(server, "lag_minutes", "the source server reports no lagDuration")
            continue
        minutes = duration_minutes(str(lag))
        if minutes is None:
            index.set_unknown(server, "lag_minutes", f"cannot read lagDuration {lag!r}")
        else:
            index.set_derived(server, "lag_minutes", round(minutes, 2))


LINKERS = (
    Linker(
        name="drs-replication-lag",
        provides={SOURCE_SERVER: ("lag_minutes",)},
        reads={SOURCE_SERVER: ()},
        link=link_replication_lag,
    ),
)
