"""Generated documentation files (docs/rules.md, docs/derived-fields.md): write one, or check it is current."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def write_or_check(path: Path, text: str, regenerate: str, args: Sequence[str]) -> int:
    """With --check in args: 1 (and one line naming the command) when the file differs from text.
    Otherwise write text to the file. Returns the exit code."""
    if "--check" in args:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            print(f"{path} is stale: run `{regenerate}`", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({text.count(chr(10))} lines)")
    return 0
