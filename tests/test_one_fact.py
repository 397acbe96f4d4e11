"""One fact, one place: pieces of knowledge that must not be re-implemented beside their module."""

from __future__ import annotations

import ast
from pathlib import Path

import drcheck

PACKAGE = Path(drcheck.__file__).parent
SPLITTERS = {"split", "rsplit", "partition", "rpartition"}
STRING_TESTS = {"startswith", "endswith", "removeprefix", "find", "index", "count"}
RESOURCE_TYPE_SEPARATOR = "::"  # AWS::EC2::Volume, not an ARN
REGEX_CALLS = {"compile", "match", "fullmatch", "search", "findall", "finditer", "sub", "split"}

# Colon splits that are not ARNs, with what they split. A changed line falls out of this list and
# must be looked at again.
NOT_ARNS = {
    ("linkers/dynamodb.py", "dimension.split(':')"): "a scalable dimension, dynamodb:table:ReadCapacityUnits",
    ("report/fixes/fill.py", 'name.partition(":")'): "a fix placeholder, kind:argument",
    ("ruleset/remediation.py", 'name.partition(":")'): "a fix placeholder, kind:argument",
    ("ruleset/loader.py", 'str(exc).split(".")[0].split(" ")[0].split(":")'): "a condition error's section name",
}


def _constant(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _colon_framed(node: ast.AST) -> bool:
    """f":{account}:" — looking for one ARN part by substring."""
    if not isinstance(node, ast.JoinedStr) or len(node.values) < 2:
        return False
    first, last = _constant(node.values[0]), _constant(node.values[-1])
    return bool(first and last and first.endswith(":") and last.startswith(":"))


def hand_written_arn_parsing(path: Path, source: str) -> list[str]:
    """Lines of one module that take an ARN apart without drcheck.arns."""
    relative = path.relative_to(PACKAGE).as_posix()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and _colon_framed(node.left) and any(
                isinstance(op, ast.In | ast.NotIn) for op in node.ops):
            found.append(f"{relative}:{node.lineno}: {ast.get_source_segment(source, node)}")
            continue
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute) or not node.args:
            continue
        name, first = node.func.attr, _constant(node.args[0])
        owner = node.func.value
        segment = ast.get_source_segment(source, node) or ""
        suspicious = (
            (name in SPLITTERS and first is not None and ":" in first and first != RESOURCE_TYPE_SEPARATOR)
            or (name in STRING_TESTS and first is not None and first.lower().startswith("arn"))
            or (name in REGEX_CALLS and isinstance(owner, ast.Name) and owner.id == "re"
                and first is not None and "arn:" in first)
        )
        if suspicious and not any(relative == file and segment.startswith(snippet) for file, snippet in NOT_ARNS):
            found.append(f"{relative}:{node.lineno}: {segment}")
    return found


def test_one_arn_module():
    """Every ARN is taken apart by drcheck/arns.py: five hand-written Region parsers once disagreed
    on what a Region-less or malformed ARN means."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "arns.py":
            continue
        offenders += hand_written_arn_parsing(path, path.read_text(encoding="utf-8"))
    assert not offenders, "split ARNs with drcheck.arns instead:\n" + "\n".join(offenders)


def test_the_arn_check_sees_each_way_of_splitting(tmp_path):
    """The scan above must fail on the forms the old parsers used (or it proves nothing)."""
    samples = {
        'parts = arn.split(":")': 1,
        'region = str(arn).split(":", 5)[3]': 1,
        'name = bucket.split(":::")[-1]': 1,
        'kind, _, rest = arn.partition(":")': 1,
        'ok = value.startswith("arn:")': 1,
        'pattern = re.compile(r"arn:aws:[a-z]+")': 1,
        'crossed = f":{region}:" not in vault_arn': 1,
        'words = text.split(",")': 0,
        'line = f":{number}" if number else ""': 0,
    }
    for line, expected in samples.items():
        module = PACKAGE / "linkers" / "sample.py"  # a path inside the package, never written
        assert len(hand_written_arn_parsing(module, line)) == expected, line


def test_the_exceptions_still_exist():
    """Each allowed colon split is still in its module (a stale allowance would hide a new split)."""
    for file, snippet in NOT_ARNS:
        assert snippet in (PACKAGE / file).read_text(encoding="utf-8"), (file, snippet)


def test_no_reason_is_parsed_back_out_of_prose():
    """Why something is unknown travels as drcheck.unknowns values: no module matches a pattern over
    the wording of a reason ("...; needs service:Action", "... failed: ...") to recover a permission
    or an operation (evaluate.py once did)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.func.attr in REGEX_CALLS and node.args):
                pattern = _constant(node.args[0]) or ""
                if "needs" in pattern or "failed" in pattern or "permission" in pattern.lower():
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {pattern}")
    assert not offenders, offenders
