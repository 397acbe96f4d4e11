"""Option groups: a frozen dataclass of Typer options that a command takes as one parameter.

Typer builds a command's options from its function signature, one parameter per option. A
command here instead declares `account: AccountOptions`; `@grouped` replaces that parameter in
the signature Typer reads by the dataclass's fields (each an `Annotated[..., typer.Option(...)]`
with its default), and on call builds the dataclass from them. So an option shared by several
commands is declared once, in its group, and reaches the code as one typed value, built once.

Every command also gets the global options (`GlobalOptions`: --debug, --no-color), and runs with
the environment its groups ask for (`environment()`: --endpoint-url, --no-color).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, get_type_hints

F = TypeVar("F", bound=Callable[..., Any])


def is_group(annotation: Any) -> bool:
    return isinstance(annotation, type) and dataclasses.is_dataclass(annotation) and getattr(
        annotation, "__option_group__", False)


def option_group(cls: type) -> type:
    """Mark a frozen dataclass as an option group (its fields become the command's options)."""
    cls.__option_group__ = True  # type: ignore[attr-defined]
    return cls


def _field_parameters(group: type) -> list[inspect.Parameter]:
    hints = get_type_hints(group, include_extras=True)
    parameters = []
    for f in dataclasses.fields(group):
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = inspect.Parameter.empty
        parameters.append(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                            annotation=hints[f.name]))
    return parameters


def environment_read(command: Callable[..., Any]) -> tuple[str, ...]:
    """The environment variables behind a @grouped command's options (for its --help)."""
    return getattr(command, "__environment_read__", ())


def grouped(command: F) -> F:
    """Expand the command's option-group parameters into their options (see the module docstring)."""
    import typer

    from drcheck.cli.options import GlobalOptions

    hints = get_type_hints(command, include_extras=True)
    signature = inspect.signature(command)
    parameters: list[inspect.Parameter] = [
        inspect.Parameter("context", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)]
    groups: dict[str, tuple[type, list[str]]] = {}
    wanted = [(p.name, hints.get(p.name, p.annotation), p) for p in signature.parameters.values()]
    for name, annotation, parameter in [*wanted, ("global_options", GlobalOptions, None)]:
        if is_group(annotation):
            fields = _field_parameters(annotation)
            groups[name] = (annotation, [f.name for f in fields])
            parameters += fields
        elif parameter is not None:
            parameters.append(parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=annotation))
    names = [p.name for p in parameters]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise TypeError(f"{command.__name__}: option names used twice: {', '.join(clashes)}")

    @functools.wraps(command)
    def run(**values: Any) -> Any:
        from drcheck.cli.runtime import RunState, debug_logging, scoped_environment

        context = values.pop("context")
        built = {name: group(**{f: values.pop(f) for f in fields}) for name, (group, fields) in groups.items()}
        settings = built.pop("global_options")
        state = context.find_root().ensure_object(RunState)
        debug_already_on = state.debug  # `drcheck --debug scan`: the root callback turned it on
        state.debug = state.debug or settings.debug
        state.no_color = state.no_color or settings.no_color
        environment: dict[str, str] = {}
        for value in [settings, *built.values()]:
            environment.update(value.environment() if hasattr(value, "environment") else {})
        with scoped_environment(environment), debug_logging(settings.debug and not debug_already_on):
            return command(**values, **built)

    run.__signature__ = signature.replace(parameters=parameters, return_annotation=None)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    run.__environment_read__ = tuple(dict.fromkeys(  # type: ignore[attr-defined]
        name for group, _ in groups.values() for name in getattr(group, "reads", ())))
    return run  # type: ignore[return-value]
