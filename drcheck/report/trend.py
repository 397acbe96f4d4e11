"""The report's "Progress over time": the score of every earlier run of the same scope (from the
run history, drcheck/history.py) and this one, as a small inline SVG line chart plus a table.

Shown only when the history holds at least one earlier run of the same accounts and Regions.
Labels are escaped here (like drcheck/report/charts.py), so the SVG is safe to insert as is.
A run whose rules changed (another drcheck version or rule set) is marked, because its score
then measures something slightly different.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from drcheck.history import rules_version
from drcheck.report.charts import FONT, INK, MUTED, TRACK, band

MAX_POINTS = 12  # the newest runs; older ones stay in `drcheck history`


def trend_part(assessment: Any) -> dict[str, Any] | None:
    earlier = list(getattr(assessment, "history", ()) or ())
    if not earlier:
        return None
    card = assessment.scorecard
    current = {"id": None, "recorded_at": assessment.generated_at, "overall": card.get("overall"),
               "grade": card.get("grade"), "coverage": card.get("coverage"),
               "rules_version": rules_version(assessment.rules)}
    points = (earlier + [current])[-MAX_POINTS:]
    rows = []
    previous: Mapping[str, Any] | None = None
    for point in points:
        change = None
        if previous is not None and previous["overall"] is not None and point["overall"] is not None:
            change = round(point["overall"] - previous["overall"], 1)
        rules_changed = (previous is not None and point["rules_version"] is not None
                         and previous.get("rules_version") not in (None, point["rules_version"]))
        recorded = str(point["recorded_at"])
        rows.append({"run": f"@{point['id']}" if point["id"] is not None else "this run",
                     "date": recorded[:10], "time": recorded[11:16], "overall": point["overall"],
                     "grade": point["grade"], "coverage": point.get("coverage"), "change": change,
                     "rules_changed": rules_changed})
        previous = point
    first, last = points[0]["overall"], points[-1]["overall"]
    return {"rows": rows, "runs": len(earlier) + 1, "shown": len(points),
            "change": round(last - first, 1) if first is not None and last is not None else None,
            "since": rows[0]["date"], "svg": trend_chart(rows)}


def trend_chart(rows: Sequence[Mapping[str, Any]], width: float | None = None, height: float = 200.0) -> str:
    """Score per run (0-100) as a line with a dot per run, the value above, the run and date below each."""
    # As wide as the runs need (up to the page's 660): a few runs stay legible when a phone scales it down.
    width = width or min(660.0, 200.0 + 95.0 * len(rows))
    # Wide side margins: the first and last run's date labels are centred on their points.
    left, right, top, bottom = 70.0, 46.0, 24.0, 46.0
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(rows) - 1)

    def y_of(score: float) -> float:
        return top + plot_h * (1 - score / 100)

    body = []
    for tick in (0, 50, 100):
        y = y_of(tick)
        body.append(f'<line x1="{left - 24}" y1="{y:.1f}" x2="{width - right + 24}" y2="{y:.1f}" stroke="{TRACK}"/>')
        body.append(_text(left - 30, y + 4, str(tick), 10, MUTED, "end"))
    coordinates = [(left + step * index if len(rows) > 1 else left + plot_w / 2, row["overall"])
                   for index, row in enumerate(rows)]
    line = [f"{x:.1f},{y_of(score):.1f}" for x, score in coordinates if score is not None]
    if len(line) > 1:
        body.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="{MUTED}" stroke-width="1.5"/>')
    for (x, score), row in zip(coordinates, rows, strict=True):
        body.append(_text(x, height - bottom + 17, row["run"], 11, INK, "middle"))
        body.append(_text(x, height - bottom + 31, row["date"], 10, MUTED, "middle"))
        if score is None:
            body.append(_text(x, top + plot_h / 2, "n/a", 9, MUTED, "middle"))
            continue
        strong, _ = band(score)
        radius = 5.0 if row["run"] == "this run" else 3.5
        body.append(f'<circle cx="{x:.1f}" cy="{y_of(score):.1f}" r="{radius}" fill="{strong}"/>')
        body.append(_text(x, y_of(score) - 9, f"{score:g}" + (" *" if row["rules_changed"] else ""), 12, INK,
                          "middle"))
    label = "Score over time: " + ", ".join(
        f"{row['date']} {'n/a' if row['overall'] is None else format(row['overall'], 'g')}" for row in rows)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{escape(label)}" '
            f'width="{width:g}" height="{height:g}" viewBox="0 0 {width:g} {height:g}" font-family="{FONT}">'
            f"<title>{escape(label)}</title>" + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, size: float, fill: str, anchor: str) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}" '
            f'text-anchor="{anchor}">{escape(text)}</text>')
