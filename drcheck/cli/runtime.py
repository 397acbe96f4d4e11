"""What the global options change while a command runs: debug state, logging, environment."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class RunState:
    """Passed as the Click context object by main(), which reads it when a command fails."""

    debug: bool = False
    no_color: bool = False


@contextmanager
def scoped_environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of a command, then put back what was there.

    The flags that mean an AWS or terminal setting (--endpoint-url = AWS_ENDPOINT_URL, --no-color =
    NO_COLOR) are applied this way, so botocore and rich read them exactly as if the user had
    exported them, and an in-process caller (tests) gets its environment back.
    """
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def debug_logging(enabled: bool) -> Iterator[None]:
    """--debug: botocore's request log (and drcheck's) on stderr while the command runs."""
    if not enabled:
        yield
        return
    from rich.console import Console
    from rich.logging import RichHandler

    handler = RichHandler(console=Console(stderr=True), show_path=False)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
