"""Where the shipped rules and report templates are: inside an installed wheel, or the repository."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """`rules` or `reports`: the wheel carries them in drcheck/_data; a source checkout at its top."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"drcheck's {name}/ directory is missing from this installation")


def builtin_rules_dir() -> Path:
    return data_dir("rules")


def builtin_reports_dir() -> Path:
    return data_dir("reports")
