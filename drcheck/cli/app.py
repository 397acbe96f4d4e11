"""The drcheck command: the Typer app with every command, and the entry point."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console
from rich.markup import escape

from drcheck.cli.catalogue import permissions, rules_check, rules_list, rules_show
from drcheck.cli.compare import diff
from drcheck.cli.history import history
from drcheck.cli.objectives import objectives, whatif
from drcheck.cli.scanning import assess, collect, demo, doctor, scan
from drcheck.cli.settings import init
from drcheck.errors import UserError

EXIT_INTERNAL_ERROR = 3

app = typer.Typer(
    help="drcheck: would your AWS account survive a disaster? Read-only DR readiness checks and reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Browse and check the rule catalogue.", no_args_is_help=True)
for command in (scan, collect, demo, assess, doctor, diff, permissions, history, init):
    app.command()(command)
app.command()(objectives)
app.command()(whatif)
rules_app.command("list")(rules_list)
rules_app.command("show")(rules_show)
rules_app.command("check")(rules_check)
app.add_typer(rules_app, name="rules")


def main() -> None:
    """Entry point. Exit codes: 0 done; 1 a gate failed (--fail-under, --fail-on, rules check,
    doctor); 2 a problem with the user's input or environment (one line says what); 3 a bug."""
    try:
        app()
    except UserError as exc:
        Console(stderr=True, highlight=False).print("[red]drcheck:[/red] " + escape(str(exc)), soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("drcheck: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # a bug in drcheck: say so in one line, keep the traceback for who asks
        if os.environ.get("DRCHECK_DEBUG"):
            raise
        print(f"drcheck: internal error: {type(exc).__name__}: {exc} (set DRCHECK_DEBUG=1 for details)",
              file=sys.stderr)
        sys.exit(EXIT_INTERNAL_ERROR)
