"""init: write a commented drcheck.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from drcheck.cli.groups import grouped


@grouped
def init(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="Where to write the settings file.")] = Path("drcheck.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented drcheck.yaml with every setting at its default (see docs/configuration.md)."""
    from drcheck.config_template import write_config

    written = write_config(path, force)
    typer.echo(f"Wrote {written}: edit it, then run drcheck in this folder (or pass --config {written}).", err=True)
