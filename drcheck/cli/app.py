"""The drcheck command: the Typer app with every command, and the entry point."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console

from drcheck import __version__
from drcheck.cli.catalogue import permissions, rules_check, rules_list, rules_show
from drcheck.cli.compare import diff
from drcheck.cli.groups import environment_read
from drcheck.cli.history import history
from drcheck.cli.objectives import objectives, whatif
from drcheck.cli.options import GENERAL_PANEL, Debug, NoColor
from drcheck.cli.runtime import RunState, debug_logging, scoped_environment
from drcheck.cli.scanning import assess, collect, demo, doctor, scan
from drcheck.cli.settings import init
from drcheck.errors import UserError
from drcheck.text import terminal_text

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 3

app = typer.Typer(
    help="drcheck: would your AWS account survive a disaster? Read-only DR readiness checks and reports.\n\n"
         "Exit codes: 0 done; 1 a gate failed (--fail-under, --fail-on, rules check, doctor); 2 a problem with "
         "your input or environment (one line says what); 3 a bug.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
rules_app = typer.Typer(help="Browse and check the rule catalogue.", no_args_is_help=True)


def _epilog(command: Callable[..., Any]) -> str:
    names = environment_read(command)
    return f"Environment: {', '.join(names)}." if names else ""


def _register(target: typer.Typer, command: Callable[..., Any], name: str | None = None) -> None:
    target.command(name, epilog=_epilog(command))(command)


_commands: tuple[Callable[..., Any], ...] = (scan, collect, demo, assess, doctor, diff, permissions, objectives, whatif,
                                            history, init)
for _command in _commands:
    _register(app, _command)
for _name, _command in (("list", rules_list), ("show", rules_show), ("check", rules_check)):
    _register(rules_app, _command, _name)
app.add_typer(rules_app, name="rules")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"drcheck {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    context: typer.Context,
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print drcheck's version and exit."),
    debug: Debug = False,
    no_color: NoColor = False,
) -> None:
    """The options before the command name: --version, --debug, --no-color (the app's help is Typer(help=))."""
    state = context.ensure_object(RunState)
    state.debug = state.debug or debug
    state.no_color = state.no_color or no_color
    # Kept until the command's context closes (Click's with_resource), like the per-command flags.
    context.with_resource(scoped_environment({"NO_COLOR": "1"} if no_color else {}))
    context.with_resource(debug_logging(debug))


def command() -> Any:
    """The Click command tree, with no Python types in --help (no `<bool>` on flags, no `<path>` on arguments)."""
    tree = typer.main.get_command(app)
    pending = [tree]
    while pending:
        node = pending.pop()
        help_option = node.get_help_option(typer.Context(node))
        if help_option is not None and any(getattr(p, "rich_help_panel", None) for p in node.params):
            help_option.rich_help_panel = GENERAL_PANEL  # beside --debug, not alone in "Options"
        for param in [*node.params, *([help_option] if help_option is not None else [])]:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
            if getattr(param, "param_type_name", "") == "argument":  # named by its metavar, not `<path>`
                # Typer's arguments read display_type_rich; mypy sees click's Parameter, which has none.
                setattr(param, "display_type_rich", lambda ctx: None)  # noqa: B010
        pending += list(getattr(node, "commands", {}).values())
    return tree


def _fail(message: str, state: RunState, code: int = EXIT_USER_ERROR) -> None:
    Console(stderr=True, highlight=False, no_color=state.no_color or None).print(
        "[red]drcheck:[/red] " + terminal_text(message), soft_wrap=True)
    sys.exit(code)


def main() -> None:
    """Entry point. Exit codes: 0 done; 1 a gate failed (--fail-under, --fail-on, rules check,
    doctor); 2 a problem with the user's input or environment (one line says what); 3 a bug."""
    from typer._click.exceptions import ClickException, NoArgsIsHelpError

    state = RunState()
    interrupted: list[bool] = []

    def on_interrupt(signum: int, frame: object) -> None:
        # Typer turns Ctrl-C into a silent exit code 130; remember it, so the user gets one line.
        interrupted.append(True)
        raise KeyboardInterrupt

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_interrupt) if in_main_thread else None
    try:
        code = command()(prog_name="drcheck", standalone_mode=False, obj=state)
    except NoArgsIsHelpError:  # the help was printed
        sys.exit(EXIT_USER_ERROR)
    except ClickException as exc:  # Typer's own usage errors: one line too
        context = getattr(exc, "ctx", None)
        hint = f" (see: {context.command_path} --help)" if context is not None else ""
        _fail(exc.format_message().replace("\n", " ") + hint, state)
    except UserError as exc:
        _fail(str(exc), state, exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        print("drcheck: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # a bug in drcheck: say so in one line, keep the traceback for who asks
        if state.debug:
            raise
        print(f"drcheck: internal error: {type(exc).__name__}: {terminal_text(exc, markup=False)} "
              "(run with --debug for details)",
              file=sys.stderr)
        sys.exit(EXIT_INTERNAL_ERROR)
    finally:
        if in_main_thread:
            signal.signal(signal.SIGINT, previous)
    if interrupted:
        print("drcheck: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
