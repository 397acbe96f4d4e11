"""Load rule files, validate them (schema, condition, field names, placeholders) with file:line errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from drcheck.collectors.spec import Collector
from drcheck.errors import UserError
from drcheck.linkers import Linker
from drcheck.ruleset.conditions import ConditionError, compile_condition
from drcheck.ruleset.examples import example_problem
from drcheck.ruleset.fields import FieldChecker
from drcheck.ruleset.remediation import prerequisite_problems, remediation_problems
from drcheck.ruleset.rule import Rule
from drcheck.ruleset.schema import RULE_SCHEMA
from drcheck.yamlfile import YamlProblem, load_yaml_text

_VALIDATOR = jsonschema.Draft202012Validator(RULE_SCHEMA)


class RuleError(UserError):
    """A rule file is invalid; the message starts with file:line."""


def rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.yaml") if p.is_file())


def load_rules(
    directories: Iterable[Path],
    *,
    collectors: Mapping[str, Collector],
    linkers: Iterable[Linker],
    trusted: Iterable[Path] = (),
) -> list[Rule]:
    """Every rule under the directories, validated; raises RuleError on the first bad file.

    Rules under `trusted` directories (drcheck's own) skip the botocore shape check of their field
    paths, which costs most of the load time; the test suite runs that check on them.
    """
    trusted = {Path(t).resolve() for t in trusted}
    derived: dict[str, set[str]] = {}
    for linker in linkers:
        for resource_type, names in linker.provides.items():
            derived.setdefault(resource_type, set()).update(names)
    checker = FieldChecker(dict(collectors), derived)
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for directory in directories:
        if not directory.is_dir():
            raise RuleError(f"{directory}: rules directory not found")
        directory_checker = None if directory.resolve() in trusted else checker
        for path in rule_files(directory):
            rule = load_rule_file(path, collectors=collectors, checker=directory_checker)
            if rule.id in seen:
                raise RuleError(f"{path}:1: rule id {rule.id!r} is already defined in {seen[rule.id]}")
            seen[rule.id] = path
            rules.append(rule)
    for rule, problem in prerequisite_problems(rules):
        raise RuleError(f"{rule.source}:1: {problem}")
    return rules


def check_rule_files(
    directory: Path,
    *,
    collectors: Mapping[str, Collector],
    linkers: Iterable[Linker],
    reserved: Mapping[str, Path] | None = None,
) -> tuple[list[Rule], list[str]]:
    """Every rule file under `directory` loaded on its own: the valid rules, and one error line
    (file:line: message) per invalid file, duplicate id, or id already used by `reserved` rules."""
    derived: dict[str, set[str]] = {}
    for linker in linkers:
        for resource_type, names in linker.provides.items():
            derived.setdefault(resource_type, set()).update(names)
    checker = FieldChecker(dict(collectors), derived)
    rules: list[Rule] = []
    errors: list[str] = []
    seen: dict[str, Path] = dict(reserved or {})
    for path in rule_files(directory):
        try:
            rule = load_rule_file(path, collectors=collectors, checker=checker)
        except RuleError as exc:
            errors.append(str(exc))
            continue
        if rule.id in seen:
            errors.append(f"{path}:1: rule id {rule.id!r} is already defined in {seen[rule.id]}")
            continue
        seen[rule.id] = path
        rules.append(rule)
    return rules, errors


def load_rule_file(path: Path, *, collectors: Mapping[str, Collector], checker: FieldChecker | None) -> Rule:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        node, data = load_yaml_text(raw)  # bounded: size, depth, alias expansion, encodings
    except YamlProblem as problem:
        raise RuleError(f"{path}:{problem.line or 1}: invalid YAML: {problem.message}") from None

    def fail(message: str, at: list[Any] | None = None) -> RuleError:
        return RuleError(f"{path}:{_line(node, at or [])}: {message}")

    if not isinstance(data, dict):
        raise fail("a rule file must be a mapping")
    errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise fail(f"{where}: {error.message}", list(error.absolute_path))
    if data["id"] != path.stem:
        raise fail(f"id {data['id']!r} must match the file name {path.stem!r}", ["id"])
    if path.parent.name != data["service"]:
        raise fail(f"service {data['service']!r} must match the folder name {path.parent.name!r}", ["service"])
    if data["resource_type"] not in collectors:
        raise fail(f"no collector declares resource type {data['resource_type']!r}", ["resource_type"])
    params = {name: spec["default"] for name, spec in (data.get("parameters") or {}).items()}
    try:
        condition = compile_condition(data["condition"], params, "condition")
        applies_when = (compile_condition(data["applies_when"], params, "applies_when")
                        if "applies_when" in data else None)
    except ConditionError as exc:
        section = str(exc).split(".")[0].split(" ")[0].split(":")[0]
        raise fail(str(exc), [section]) from None
    for key, message in remediation_problems(data["remediation"]):
        raise fail(f"remediation.{key}: {message}", ["remediation", key])
    statuses = {example["status"] for example in data["examples"]}
    if not {"PASS", "FAIL"} <= statuses:
        raise fail("examples must include at least one PASS and one FAIL", ["examples"])
    rule = Rule(
        id=data["id"],
        title=data["title"],
        service=data["service"],
        resource_type=data["resource_type"],
        category=data["category"],
        severity=data["severity"],
        description=data["description"].strip(),
        parameters=data.get("parameters") or {},
        applies_when=applies_when,
        condition=condition,
        messages=data["messages"],
        remediation=data["remediation"],
        references=data["references"],
        examples=tuple(data["examples"]),
        source=path,
        raw=data,
        detail_keys=frozenset(d.key for d in collectors[data["resource_type"]].details),
    )
    problems = checker.problems(rule.resource_type, rule.field_paths()) if checker else []
    problems = problems or (_operand_shape_problems(rule, checker) if checker else [])
    if problems:
        field_path, message = problems[0]
        raise RuleError(f"{rule.source}:{_field_line(node, field_path.split('[].')[-1])}: {message}")
    for number, example in enumerate(rule.examples):
        example_issue = example_problem(rule, example)
        if example_issue:
            raise fail(f"examples[{number}]: {example_issue}", ["examples", number])
    return rule


def _operand_shape_problems(rule: Rule, checker: FieldChecker) -> list[tuple[str, str]]:
    """Operators that cannot work on the field's API type (`contains: 5` on a text field)."""
    found = []
    conditions = [rule.condition] + ([rule.applies_when] if rule.applies_when is not None else [])
    for path, leaf in (pair for condition in conditions for pair in condition.leaves()):
        kind = checker.kind(rule.resource_type, path)
        operand = rule.defaults().get(leaf.operand.param) if leaf.operand.param else leaf.operand.literal
        if leaf.operator == "contains" and kind == "string" and not isinstance(operand, str):
            found.append((path, f"{path} is text: contains needs text to look for, got {operand!r}"))
        elif leaf.operator == "matches" and kind not in (None, "string"):
            found.append((path, f"{path} is a {kind}: matches reads text"))
    return found


def _field_line(node: Any, field_path: str) -> int:
    """1-based line of the first `field: <field_path>` in the file (the condition leaf at fault)."""
    stack = [node]
    while stack:
        current = stack.pop(0)
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if key.value == "field" and isinstance(value, yaml.ScalarNode) and value.value == field_path:
                    return key.start_mark.line + 1
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return 1


def _line(node: Any, at: list[Any]) -> int:
    """1-based line of the YAML node at a key/index path (or the deepest part of it that exists)."""
    if node is None:
        return 1
    current = node
    for step in at:
        if isinstance(current, yaml.MappingNode):
            match = next((v for k, v in current.value if k.value == step), None)
            if match is None:
                break
            current = match
        elif isinstance(current, yaml.SequenceNode) and isinstance(step, int) and step < len(current.value):
            current = current.value[step]
        else:
            break
    return current.start_mark.line + 1
