"""Every run kept: a run's files are published as one set in DIR.runs/<time>/, and DIR points at the latest.

A run is written into a hidden sibling folder (DIR.runs/.<time>.*), which is renamed into place only
once every file is written: a failure or Ctrl-C leaves the earlier runs, and DIR, as they were.
DIR is then a symbolic link to the newest run, replaced atomically (a reader sees the old set or the
new one, never a mix). An existing real folder DIR (from an earlier drcheck, or made by hand) is never
removed: it gets the files one by one as before, and the run is still kept in DIR.runs/.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drcheck.errors import UserError
from drcheck.outputs import _umask, write_files

RUNS_SUFFIX = ".runs"


def runs_dir(output_dir: Path) -> Path:
    """Where the runs published to `output_dir` are kept."""
    return output_dir.with_name(output_dir.name + RUNS_SUFFIX)


def publish_run(output_dir: Path, files: Mapping[str, bytes], now: datetime | None = None) -> list[Path]:
    """Write `files` as one new run and make `output_dir` show it; the paths under `output_dir`."""
    runs = runs_dir(output_dir)
    try:
        runs.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Cannot create the runs folder {runs}: {exc.strerror or exc}") from None
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    partial = Path(tempfile.mkdtemp(prefix=f".{stamp}.", suffix=".partial", dir=runs))
    os.chmod(partial, 0o777 & ~_umask())  # mkdtemp makes 0700; a run folder is an ordinary folder
    try:
        write_files(partial, files)
        final = _free_name(runs, stamp)
        os.rename(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _point_at(output_dir, final, files)
    return [output_dir / name for name in files]


def _free_name(runs: Path, stamp: str) -> Path:
    """DIR.runs/<stamp>, or <stamp>-2, -3… when runs finish within the same second."""
    candidate, number = runs / stamp, 1
    while candidate.exists():
        number += 1
        candidate = runs / f"{stamp}-{number}"
    return candidate


def _point_at(output_dir: Path, run: Path, files: Mapping[str, bytes]) -> None:
    if output_dir.is_dir() and not output_dir.is_symlink():
        if any(output_dir.iterdir()):
            write_files(output_dir, files)  # someone's folder: never removed, updated file by file
            return
        output_dir.rmdir()
    if output_dir.exists() and not output_dir.is_symlink():
        raise UserError(f"Cannot publish the run to {output_dir}: it is a file, not a folder")
    link = output_dir.with_name(f".{output_dir.name}.{os.getpid()}.link")
    try:
        link.unlink(missing_ok=True)
        os.symlink(os.path.relpath(run, output_dir.parent), link, target_is_directory=True)
        os.replace(link, output_dir)
    except OSError as exc:
        link.unlink(missing_ok=True)
        raise UserError(f"Cannot point {output_dir} at the new run {run}: {exc.strerror or exc}") from None


def previous_run(output_dir: Path, accounts: list[str], regions: list[str]) -> tuple[Path, dict[str, Any]] | None:
    """The newest kept run of the same scope (accounts and Regions) with a findings.json: (its folder, the
    document), or None."""
    runs = runs_dir(output_dir)
    if not runs.is_dir():
        return None
    wanted = (sorted(accounts), sorted(regions))
    for folder in sorted((p for p in runs.iterdir() if p.is_dir() and not p.name.startswith(".")),
                         key=lambda p: p.name, reverse=True):
        try:
            document = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a run without findings (collect, --format html): not a baseline
        if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
            continue
        scope = (sorted(map(str, document.get("accounts") or [])), sorted(map(str, document.get("regions") or [])))
        if scope == wanted:
            return folder, document
    return None


def refuse_overwriting_inputs(output_dir: Path, inputs: list[Path | None]) -> None:
    """No command overwrites one of its own inputs: one line (exit 2) before any work when it would.

    A run is published in a new folder, so only a real folder DIR (updated file by file) can hold a
    file this run would replace; an input there under a name drcheck writes is refused.
    """
    from drcheck.report.outputs import FORMATS

    if not output_dir.is_dir() or output_dir.is_symlink():
        return
    names = {name.rstrip("/") for name in FORMATS.values()} | {"inventory.json", "inventory.json.gz"}
    here = output_dir.resolve()
    for path in inputs:
        if path is None:
            continue
        resolved = path.resolve()
        if resolved.is_dir():  # a report folder given as a baseline: its findings.json is the input
            resolved = resolved / "findings.json"
        if resolved.parent == here and resolved.name in names or resolved.parent.parent == here and \
                resolved.parent.name == "fixes":
            raise UserError(f"{path} is one of this command's inputs and --output-dir {output_dir} would overwrite "
                            f"it: choose another --output-dir")
