"""Reading the user's YAML files (config, accounts, suppressions): one clear line when they are wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml

from drcheck.errors import UserError


def read_yaml(path: Path, what: str) -> Any:
    """The file's data; UserError naming `what` the file is, and the line of a YAML syntax error."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"Cannot read {what} {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise UserError(f"{what.capitalize()} {path}{line} is not valid YAML: {getattr(exc, 'problem', exc)}") from None


def check_schema(data: Any, schema: dict, path: Path, what: str, *, formats: bool = False) -> None:
    """UserError with the first schema violation and where it is (e.g. `suppressions/0: 'reason' is a required ...`)."""
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker() if formats else None)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "top level"
        raise UserError(f"{what.capitalize()} {path}: {where}: {error.message}")
