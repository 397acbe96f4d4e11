"""Inline SVG charts from plain numbers: no JavaScript, so they print and render in WeasyPrint.

Every label is escaped here because callers pass account-derived text (Region names, service
names from custom rules); the returned string is safe to insert into HTML unescaped. Colour is
never the only channel: every bar and cell also carries its number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT = "DejaVu Sans, Arial, sans-serif"
INK = "#1d2330"
MUTED = "#5b6475"
TRACK = "#e6e9ef"

# Grade bands: (floor, strong colour for marks and text, light tint for cell backgrounds).
# Strong on tint keeps a contrast ratio of at least 5:1 (WCAG AA), so cell numbers stay legible.
BANDS = (
    (90.0, "#146c2e", "#d3eedb"),
    (80.0, "#3f6a14", "#e4f0d2"),
    (70.0, "#7d5300", "#fbefc8"),
    (60.0, "#a0440a", "#fde2cc"),
    (0.0, "#b42318", "#fbd9d6"),
)
NO_SCORE = ("#8a93a3", "#eef0f4")
STATUS_COLOURS = {"PASS": "#1a7f37", "FAIL": "#b42318", "UNKNOWN": "#9a6700"}
# The words the rest of the report uses for each verdict (wording.STATUS_WORDS): UNKNOWN reads
# "not evaluated" everywhere, so a row with only NOT_APPLICABLE checks must not say that.
LEGEND_WORDS = {"PASS": "pass", "FAIL": "fail", "UNKNOWN": "not evaluated"}


def band(score: float | None) -> tuple[str, str]:
    """(strong, tint) colours for a score's grade band."""
    if score is None:
        return NO_SCORE
    return next((strong, tint) for floor, strong, tint in BANDS if score >= floor)


def _text_width(text: str, size: float) -> float:
    return len(text) * size * 0.6  # DejaVu Sans averages ~0.6 em per character


def _clip(text: str, size: float, width: float) -> str:
    """Shorten a label to fit: long Region or service names must not run into the bars."""
    if _text_width(text, size) <= width:
        return text
    keep = max(1, int(width / (size * 0.6)) - 1)
    return text[:keep] + "…"


def _svg(width: float, height: float, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{escape(label)}" '
        f'width="{width:g}" height="{height:g}" viewBox="0 0 {width:g} {height:g}" '
        f'font-family="{FONT}"><title>{escape(label)}</title>' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, *, size: float = 11, fill: str = INK, anchor: str = "start",
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}" text-anchor="{anchor}" '
            f'font-weight="{weight}">{escape(text)}</text>')


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def gauge(score: float | None, grade: str | None, coverage: float | None) -> str:
    """A half-circle dial from 0 to 100 with the grade bands, the score and the coverage under it."""
    width, height, cx, cy, radius, thickness = 260.0, 172.0, 130.0, 136.0, 104.0, 22.0

    def point(value: float, r: float) -> tuple[float, float]:
        angle = math.pi * (1 - value / 100)
        return cx + r * math.cos(angle), cy - r * math.sin(angle)

    def arc(start: float, end: float, colour: str, w: float) -> str:
        x0, y0 = point(start, radius)
        x1, y1 = point(end, radius)
        return (f'<path d="M {x0:.2f} {y0:.2f} A {radius} {radius} 0 0 1 {x1:.2f} {y1:.2f}" fill="none" '
                f'stroke="{colour}" stroke-width="{w}"/>')

    body = []
    floors = [floor for floor, _, _ in BANDS]
    ceilings = [100.0] + floors[:-1]
    for (floor, _, tint), ceiling in zip(BANDS, ceilings, strict=True):
        body.append(arc(floor, ceiling, tint, thickness))
    strong, _ = band(score)
    if score is not None and score > 0:
        body.append(arc(0, min(score, 100.0), strong, thickness * 0.55))
    for value in (0, 60, 70, 80, 90, 100):
        x, y = point(value, radius + thickness / 2 + 8)
        body.append(_text(x, y + 3, str(value), size=8.5, fill=MUTED, anchor="middle"))
    headline = "n/a" if score is None else f"{score:.1f}"  # as on the cover and in the score card
    body.append(_text(cx, cy - 30, headline, size=34, fill=strong, anchor="middle", weight="bold"))
    body.append(_text(cx, cy - 8, f"grade {grade or '–'} · out of 100", size=11, fill=MUTED, anchor="middle"))
    cov = "n/a" if coverage is None else f"{coverage:g}%"
    body.append(_text(cx, cy + 26, f"coverage {cov}", size=11, fill=INK, anchor="middle"))
    label = f"Score {_fmt(score)} of 100, grade {grade or 'none'}, coverage {cov}"
    return _svg(width, height, label, body)


@dataclass(frozen=True)
class ScoreRow:
    label: str
    score: float | None
    note: str = ""  # shown after the value, e.g. "coverage 80%"


def score_bars(rows: Sequence[ScoreRow], *, title: str, width: float = 660.0) -> str:
    """Horizontal 0–100 bars, one per row, coloured by grade band and labelled with the value."""
    label_w, value_w, row_h, top = 150.0, 210.0, 24.0, 18.0
    track_w = width - label_w - value_w
    height = top + row_h * len(rows) + 6
    body = []
    for tick in (0, 50, 100):
        x = label_w + track_w * tick / 100
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 4:.1f}" stroke="{TRACK}"/>')
        body.append(_text(x, top - 7, str(tick), size=8.5, fill=MUTED, anchor="middle"))
    for i, row in enumerate(rows):
        y = top + i * row_h
        strong, _ = band(row.score)
        body.append(_text(label_w - 8, y + 15, _clip(row.label, 11, label_w - 10), anchor="end"))
        body.append(f'<rect x="{label_w}" y="{y + 5}" width="{track_w:.1f}" height="13" rx="2" fill="{TRACK}"/>')
        if row.score:
            body.append(f'<rect x="{label_w}" y="{y + 5}" width="{track_w * min(row.score, 100) / 100:.1f}" '
                        f'height="13" rx="2" fill="{strong}"/>')
        value = _fmt(row.score)
        body.append(_text(label_w + track_w + 8, y + 15, value, size=10.5, weight="bold",
                          fill=strong if row.score is not None else MUTED))
        if row.note:
            body.append(_text(label_w + track_w + 8 + _text_width(value, 10.5) + 8, y + 15, row.note, size=9.5,
                              fill=MUTED))
    return _svg(width, height, title, body)


@dataclass(frozen=True)
class CountRow:
    label: str
    counts: dict[str, int]  # PASS / FAIL / UNKNOWN


def status_bars(rows: Sequence[CountRow], *, title: str, width: float = 660.0) -> str:
    """100 % stacked bars of PASS / FAIL / UNKNOWN per row, each segment labelled with its count.

    A row with none of the three (every check not applicable, or none at all) says so in those words.
    """
    label_w, total_w, row_h, top = 150.0, 90.0, 24.0, 24.0
    track_w = width - label_w - total_w
    height = top + row_h * len(rows) + 6
    body = []
    x = label_w
    for status in STATUS_COLOURS:  # legend
        body.append(f'<rect x="{x:.1f}" y="4" width="10" height="10" fill="{STATUS_COLOURS[status]}"/>')
        body.append(_text(x + 14, 13, LEGEND_WORDS[status], size=10, fill=MUTED))
        x += 14 + _text_width(LEGEND_WORDS[status], 10) + 18
    for i, row in enumerate(rows):
        y = top + i * row_h
        body.append(_text(label_w - 8, y + 15, _clip(row.label, 11, label_w - 10), anchor="end"))
        total = sum(row.counts.get(s, 0) for s in STATUS_COLOURS)
        if not total:
            body.append(f'<rect x="{label_w}" y="{y + 5}" width="{track_w:.1f}" height="13" fill="{TRACK}"/>')
            na = row.counts.get("NOT_APPLICABLE", 0)
            empty = f"not applicable: no resource of the kind ({na:,} checks)" if na else "no checks"
            body.append(_text(label_w + 6, y + 15, empty, size=9.5, fill=MUTED))
            continue
        x = label_w
        for status, colour in STATUS_COLOURS.items():
            count = row.counts.get(status, 0)
            if not count:
                continue
            seg = track_w * count / total
            body.append(f'<rect x="{x:.1f}" y="{y + 5}" width="{seg:.1f}" height="13" fill="{colour}"/>')
            if seg >= _text_width(f"{count:,}", 9.5) + 4:
                body.append(_text(x + seg / 2, y + 15, f"{count:,}", size=9.5, fill="#ffffff", anchor="middle",
                                  weight="bold"))
            x += seg
        body.append(_text(width - 4, y + 15, f"{total:,} checks", size=9.5, fill=MUTED, anchor="end"))
    return _svg(width, height, title, body)


def heat_map(rows: Sequence[str], columns: Sequence[str], cells: dict[tuple[str, str], float | None],
             *, title: str, width: float = 660.0) -> str:
    """Rows × columns of scores; a missing cell (nothing evaluated there) reads "–"."""
    label_w, row_h, head_h = 150.0, 26.0, 34.0
    cell_w = (width - label_w) / max(1, len(columns))
    height = head_h + row_h * len(rows) + 4
    body = []
    for j, column in enumerate(columns):
        cx = label_w + cell_w * (j + 0.5)
        words = column.split(" ")
        lines = [" ".join(words)] if _text_width(column, 10) <= cell_w - 6 or len(words) == 1 else \
            [" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2:])]
        for k, line in enumerate(lines):
            y = head_h - 8 - 12 * (len(lines) - 1 - k)
            body.append(_text(cx, y, _clip(line, 10, cell_w - 4), size=10, fill=MUTED, anchor="middle",
                              weight="bold"))
    for i, row in enumerate(rows):
        y = head_h + i * row_h
        body.append(_text(label_w - 8, y + 17, _clip(row, 11, label_w - 10), anchor="end"))
        for j, column in enumerate(columns):
            x = label_w + cell_w * j
            present = (row, column) in cells
            value = cells.get((row, column))
            strong, tint = band(value) if present else ("#b8bec9", "#f6f7f9")
            body.append(f'<rect x="{x + 1:.1f}" y="{y + 1}" width="{cell_w - 2:.1f}" height="{row_h - 2}" '
                        f'rx="3" fill="{tint}"/>')
            text = "–" if not present else _fmt(value)
            body.append(_text(x + cell_w / 2, y + 17, text, size=11, fill=strong if present else "#8a93a3",
                              anchor="middle", weight="bold" if value is not None else "normal"))
    return _svg(width, height, title, body)
