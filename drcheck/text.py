"""Text from someone else (account data, custom rules): made safe to store, print and show.

- `clean_text` / `clean_surrogates`: a lone surrogate (from a JSON escape such as "\\ud800") is not
  text; no UTF-8 output (HTML, CSV, Markdown, PDF) can hold it, so it becomes U+FFFD.
- `terminal_text`: the one function every console print of someone else's text goes through:
  control characters (escape sequences that move the cursor, retitle the window or hide what
  follows) are shown as visible escapes, and Rich markup is escaped, so a tag value cannot rewrite
  what the console shows.
- `deceptive_characters` / `mark_deceptive`: bidirectional overrides and zero-width characters,
  which make a name read differently from what it is (`"prod\\u202egnp.exe"`): named, or shown in
  the report as visible `[U+202E]` markers.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_SURROGATE = re.compile(r"[\ud800-\udfff]")

# C0 and C1 controls and DEL; tab and newline are kept where a table cell may hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Characters that change how text reads without being seen: bidi embeddings, overrides and
# isolates, zero-width spaces and joiners, the word joiner and invisible operators, the BOM.
DECEPTIVE = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)


def clean_text(text: str) -> str:
    """`text` with any lone surrogate replaced by U+FFFD (fast when there is none)."""
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)


def clean_surrogates(data: Any) -> Any:
    """Replace lone surrogates in every string and key of a JSON value, in place; returns it."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key in list(value):
                item = value[key]
                if isinstance(key, str) and not key.isascii():
                    cleaned = clean_text(key)
                    if cleaned != key:
                        del value[key]
                        value[cleaned] = item
                        key = cleaned
                if isinstance(item, str):
                    value[key] = clean_text(item)
                elif isinstance(item, dict | list):
                    stack.append(item)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str):
                    value[index] = clean_text(item)
                elif isinstance(item, dict | list):
                    stack.append(item)
    return data


def _visible(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def terminal_text(value: Any, *, markup: bool = True, keep_newlines: bool = False) -> str:
    """Account or rule text made inert for the console, at every print boundary.

    Control characters (ESC starts every CSI/OSC sequence: colours, cursor moves, window titles,
    OSC 8 links) are shown as visible `\\x1b` escapes, bidi overrides and zero-width characters as
    `<U+202E>`, lone surrogates as U+FFFD. With `markup` (text going into a Rich string that is
    printed with markup, including table cells) Rich markup is escaped too, so `[bold red]` in a tag
    value prints as written; pass markup=False for typer.echo or `console.print(..., markup=False)`.
    Newlines become a visible `\\n` unless kept, so one value cannot forge extra console lines.
    """
    text = clean_text(str(value)).replace("\t", " ")
    if not keep_newlines:
        text = text.replace("\r\n", "\n").replace("\n", "\\n")
    text = _CONTROL.sub(_visible, text)
    if not text.isascii():
        text = "".join(f"<U+{ord(c):04X}>" if c in DECEPTIVE else c for c in text)
    if markup:
        from rich.markup import escape

        text = escape(text)
    return text


def deceptive_characters(text: Any) -> list[str]:
    """Names ("U+202E RIGHT-TO-LEFT OVERRIDE") of the deceptive characters in `text`, first seen first."""
    if not isinstance(text, str) or text.isascii():
        return []
    found = dict.fromkeys(c for c in text if c in DECEPTIVE)
    return [f"U+{ord(c):04X} {unicodedata.name(c, 'FORMAT CHARACTER')}" for c in found]


def mark_deceptive(text: str) -> str:
    """`text` with each deceptive character shown as a visible `[U+202E]` marker (plain text with no
    HTML, Markdown-link or CSV meaning), so the report flags the name instead of being fooled by it."""
    if text.isascii():
        return text
    return "".join(f"[U+{ord(c):04X}]" if c in DECEPTIVE else c for c in text)
