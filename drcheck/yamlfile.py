"""Reading YAML that someone else wrote (config, accounts, suppressions, rules, assumptions), bounded.

Every reader comes through `parse_yaml`, so a hostile or broken file is one clear line naming the
file and line, never a traceback, a hang or gigabytes of memory:
- size: at most `MAX_BYTES` of text;
- encoding: UTF-8 (a BOM is allowed), or UTF-16/UTF-32 with a BOM, as the YAML spec allows; an
  undecodable byte is named by its offset;
- shape: nesting at most `MAX_DEPTH` deep, and at most `MAX_NODES` nodes once aliases are expanded
  (a 1 KB "billion laughs" file expands to 10^7 nodes); recursive aliases and duplicate keys
  (a silent typo trap: the last one would win) are refused;
- values: impossible dates (`2027-02-30`), integers too long to convert, lone surrogate escapes
  (`"\\ud800"`, which no output encoding accepts) and non-safe tags are refused with their line.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from yaml.constructor import SafeConstructor

from drcheck.errors import UserError

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 250_000

# libyaml's loader when PyYAML has it (several times faster); the checks below work on its nodes.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlProblem(ValueError):
    """Why a YAML text cannot be used, and its 1-based line (None when it has no single line)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class _Constructor(SafeConstructor):
    """SafeConstructor whose value errors carry the line of the node they came from."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            if isinstance(exc, YamlProblem):
                raise
            reason = str(exc).split(";")[0]  # Python's digit-limit message goes on to suggest a setting
            raise YamlProblem(f"invalid value {_short(node)}: {reason}", node.start_mark.line + 1) from None


class _Loader(_Constructor, _BaseLoader):  # type: ignore[misc, valid-type]
    def __init__(self, stream: str) -> None:
        _BaseLoader.__init__(self, stream)  # what the implicit lookup reaches; mypy only sees _Constructor's


def decode_text(raw: bytes) -> str:
    """Text of a YAML (or JSON) file: UTF-8, or UTF-16/32 when a BOM says so; YamlProblem otherwise."""
    if len(raw) > MAX_BYTES:
        raise YamlProblem(f"is {len(raw):,} bytes; the limit is {MAX_BYTES:,}")
    boms = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
            (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))  # UTF-32 first: its BOM starts like UTF-16's
    encoding = next((name for bom, name in boms if raw.startswith(bom)), "utf-8")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise YamlProblem(f"is not valid {encoding.upper().removesuffix('-SIG')} text "
                          f"(byte {exc.start}: {exc.reason})") from None
    if "\x00" in text:
        raise YamlProblem("contains NUL characters (is it a binary file?)")
    return text


def parse_yaml(text: str) -> tuple[Any, Any]:
    """(root node, data) of one YAML document, within the bounds above; YamlProblem otherwise.

    The node tree is kept for callers that report line numbers (rule files)."""
    if len(text) > MAX_BYTES:
        raise YamlProblem(f"is {len(text):,} characters; the limit is {MAX_BYTES:,}")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_nodes(node)
        return node, loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlProblem(str(exc.problem or exc.context or "invalid YAML"),
                          mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(str(exc)) from None
    except RecursionError:
        raise YamlProblem(f"is nested too deeply (the limit is {MAX_DEPTH} levels)") from None
    finally:
        loader.dispose()


def _check_nodes(root: Any) -> None:
    """Depth, expanded size, recursion and duplicate keys, in one pass over the node graph.

    Aliases make the graph a DAG whose expanded size (and depth) can be far beyond the file's, so
    both are memoised per node: the pass costs the file's size, never the expansion's. Recursion
    stops at MAX_DEPTH, so it can never exhaust Python's stack.
    """
    memo: dict[int, tuple[int, int]] = {}  # node id -> (values once expanded, levels)
    active: set[int] = set()

    def visit(node: Any, depth: int) -> tuple[int, int]:
        key = id(node)
        known = memo.get(key)
        if known is None and key in active:
            raise YamlProblem("has a recursive alias (an anchor that contains itself)", node.start_mark.line + 1)
        if depth > MAX_DEPTH or (known is not None and depth + known[1] - 1 > MAX_DEPTH):
            raise YamlProblem(f"is nested more than {MAX_DEPTH} levels deep", node.start_mark.line + 1)
        if known is not None:
            return known
        if node.id == "scalar":
            memo[key] = (1, 1)
            return memo[key]
        active.add(key)
        size, levels = 1, 0
        if node.id == "mapping":
            _check_duplicate_keys(node)
            children = [child for pair in node.value for child in pair]
        else:
            children = node.value
        for child in children:
            child_size, child_levels = visit(child, depth + 1)
            size += child_size
            levels = max(levels, child_levels)
        if size > MAX_NODES:
            raise YamlProblem(f"expands to more than {MAX_NODES:,} values (aliases that multiply?)",
                              node.start_mark.line + 1)
        active.discard(key)
        memo[key] = (size, levels + 1)
        return memo[key]

    visit(root, 1)


def _check_duplicate_keys(node: Any) -> None:
    seen: set[tuple[str, str]] = set()
    for key, _ in node.value:
        if key.id != "scalar" or key.tag == "tag:yaml.org,2002:merge":
            continue
        marker = (key.tag, key.value)
        if marker in seen:
            raise YamlProblem(f"has the key {key.value!r} twice in one mapping", key.start_mark.line + 1)
        seen.add(marker)


def check_text_values(data: Any) -> str | None:
    """The path of the first string (or key) holding a lone surrogate, or None when there is none.

    Lone surrogates come from escapes such as "\\ud800"; no UTF-8 output (HTML, CSV, PDF) can hold them.
    """
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            if has_lone_surrogate(value):
                return where or "top level"
        elif isinstance(value, dict):
            for k, v in value.items():
                label = f"{where}.{k}" if where else str(k)
                if isinstance(k, str) and has_lone_surrogate(k):
                    return label.encode("utf-8", "replace").decode("utf-8")
                stack.append((v, label))
        elif isinstance(value, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(value))
    return None


def has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def load_yaml_text(raw: bytes) -> tuple[Any, Any]:
    """Decode, parse and check one YAML file's bytes: (root node, data); YamlProblem otherwise."""
    node, data = parse_yaml(decode_text(raw))
    where = check_text_values(data)
    if where is not None:
        raise YamlProblem(f"{where}: contains a lone surrogate escape (such as \\ud800), which is not text")
    return node, data


def read_yaml(path: Path, what: str) -> Any:
    """The file's data; UserError naming `what` the file is, and the line of the problem."""
    try:
        raw = _read_bounded(path)
    except OSError as exc:
        raise UserError(f"Cannot read {what} {path}: {exc.strerror or exc}") from None
    try:
        return load_yaml_text(raw)[1]
    except YamlProblem as problem:
        line = f":{problem.line}" if problem.line else ""
        raise UserError(f"{what.capitalize()} {path}{line} is not usable YAML: {problem.message}") from None


def _read_bounded(path: Path) -> bytes:
    """At most MAX_BYTES + 1 bytes: a huge file (or /dev/zero) is refused without reading it all."""
    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


def check_schema(data: Any, schema: dict, path: Path, what: str, *, formats: bool = False) -> None:
    """UserError with the first schema violation and where it is (e.g. `suppressions/0: 'reason' is a required ...`)."""
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker() if formats else None)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "top level"
        raise UserError(f"{what.capitalize()} {path}: {where}: {_printable(error.message)}")


def _printable(text: str) -> str:
    """A schema message quotes the offending value: keep it short (it may be huge) and encodable."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= 300 else text[:300] + "…"


def _short(node: Any) -> str:
    value = getattr(node, "value", "")
    return repr(value if isinstance(value, str) and len(value) <= 60 else f"{str(value)[:60]}…")
