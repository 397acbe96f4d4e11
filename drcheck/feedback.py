"""What the user sees while a run works and when it ends: the collection bar, the stage line while
drcheck assesses and writes, and the closing lines (score, the outage headline, the top fixes in
plain words, where the report is), so a founder needs no file to know what to do first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text

from drcheck.text import terminal_text

TOP_FIXES = 3
BAR_STEPS = 1000


class ForwardOnly:
    """A completed fraction that never moves backwards while the total of calls is still growing.

    The runner learns the calls a scan needs as it goes (each listing schedules per-resource
    calls), so done/scheduled can drop when a listing returns. Each finished call instead
    advances the bar by its share of what is left: with a fixed total this is exactly
    done/total, with a growing one it slows down but never goes back, and it reaches 1 when
    nothing is left.
    """

    def __init__(self) -> None:
        self.fraction = 0.0
        self.done = 0

    def update(self, done: int, scheduled: int) -> float:
        newly = max(0, done - self.done)
        left = max(0, scheduled - done)
        if newly:
            self.fraction += (1.0 - self.fraction) * newly / (left + newly)
        if left == 0 and scheduled:
            self.fraction = 1.0
        self.done = max(self.done, done)
        return self.fraction


class _Calls(ProgressColumn):
    def render(self, task: Task) -> Text:
        done, queued = task.fields.get("done", 0), task.fields.get("queued", 0)
        return Text(f"{done:,} calls done, {queued:,} queued", style="progress.download")


def collection_progress(console: Console) -> Progress:
    return Progress(TextColumn("[bold]Collecting[/bold]"), BarColumn(), _Calls(), TimeElapsedColumn(),
                    TextColumn("{task.description}"), console=console, transient=True)


@contextmanager
def collecting(console: Console) -> Iterator[Any]:
    """A progress callback for the runner (done, scheduled, label) drawing a forward-only bar."""
    with collection_progress(console) as progress:
        task = progress.add_task("", total=BAR_STEPS, done=0, queued=0)
        bar = ForwardOnly()

        def on_progress(done: int, scheduled: int, label: str) -> None:
            progress.update(task, completed=round(bar.update(done, scheduled) * BAR_STEPS),
                            description=terminal_text(label), done=done, queued=max(0, scheduled - done))

        yield on_progress


@contextmanager
def stages(console: Console) -> Iterator[Any]:
    """A one-line spinner naming what drcheck is doing now (evaluating, estimating, writing)."""
    with console.status("", spinner="dots") as status:
        def stage(text: str) -> None:
            status.update(f"[bold]{terminal_text(text)}[/bold]")

        yield stage


def written_summary(output_dir: Path, written: Sequence[Path]) -> str:
    """'drcheck-report/ (report.pdf, …, fixes/: 2 scripts, 41 documents)'."""
    top: list[Path] = []
    fixes: list[Path] = []
    for path in written:
        relative = path.relative_to(output_dir) if path.is_relative_to(output_dir) else path
        (fixes if relative.parts[:1] == ("fixes",) else top).append(relative)
    parts = [p.name for p in top]
    if fixes:
        scripts = len([p for p in fixes if p.name == "fixes.sh"])
        documents = len([p for p in fixes if p.suffix == ".json"])
        parts.append(f"fixes/: {scripts} script{'s' if scripts != 1 else ''}, {documents} "
                     f"document{'s' if documents != 1 else ''}")
    return f"{output_dir}/ ({', '.join(parts)})"


def plain_fix(action: Mapping[str, Any]) -> str:
    """'Add a reader instance in another Availability Zone: audit-aurora (us-east-1). [high]'"""
    names = [r["name"] for r in action.get("resources") or ()][:3]
    more = action["failing_count"] - len(names)
    where = ", ".join(f"{n}" for n in names) + (f" and {more} more" if more > 0 else "")
    regions = ", ".join(action.get("regions") or ())
    risk = f" Careful: {action['risks'][0]['label']}." if action.get("risks") else ""
    return f"{action['summary'].rstrip('.')}: {where} ({regions}).{risk}"


def closing_lines(console: Console, *, actions: Sequence[Mapping[str, Any]], outage: Mapping[str, Any] | None,
                  output_dir: Path, written: Sequence[Path]) -> None:
    """The last lines of a run: outage headline, the top fixes in plain words, where everything is."""
    if outage:
        # Workload and resource names below come from tags: printed through terminal_text.
        console.print(terminal_text(outage["text"], markup=False), highlight=False, markup=False)
    console.print(f"Report written to {written_summary(output_dir, written)}", highlight=False, markup=False)
    names = {p.name for p in written}
    if actions:
        where = "filled-in commands under fixes/" if "fixes.sh" in names else "details in the report"
        console.print(f"[bold]Fix first[/bold] (the plan's order; {where}):", highlight=False)
        # a grid keeps a wrapped fix under its own text (hanging indent), not under its number
        from rich.table import Table
        from rich.text import Text

        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column()
        for action in actions[:TOP_FIXES]:
            grid.add_row(f"  {action['rank']}.", Text(terminal_text(plain_fix(action), markup=False)))
        console.print(grid, highlight=False)
    if "report.html" in names:
        console.print(f"Open {output_dir / 'report.html'}", highlight=False, markup=False)
    elif "report.pdf" in names:
        console.print(f"Open {output_dir / 'report.pdf'}", highlight=False, markup=False)
