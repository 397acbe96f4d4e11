"""Every YAML reader is bounded: hostile or broken files are one UserError line naming the file."""

from __future__ import annotations

import pytest

from drcheck.collect.accounts import accounts_from_file
from drcheck.collectors import all_collectors
from drcheck.config import load_config
from drcheck.errors import UserError
from drcheck.linkers import load_linkers
from drcheck.objectives.model import load_model
from drcheck.ruleset.loader import load_rules
from drcheck.suppressions import load_suppressions

# 10 ** 7 values from ~500 bytes: expanded by a naive loader, it takes gigabytes.
BOMB = ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(7))).encode()

HOSTILE = {
    "alias bomb": BOMB,
    "recursive alias": b"a: &a [*a]\n",
    "deep nesting": ("a: " + "[" * 200 + "]" * 200 + "\n").encode(),
    "deep block nesting": "".join("  " * i + "k:\n" for i in range(100)).encode() + b"  " * 100 + b"v\n",
    "invalid utf-8": b"a: \xff\xfe\xfa\n",
    "truncated utf-16": b"\xff\xfea\x00:\x00 \x00\x00\xd8",
    "impossible date": b"expires: 2027-02-30\n",
    "huge integer": b"a: " + b"9" * 5000 + b"\n",
    "lone surrogate": b'a: "\\ud800"\n',
    "python tag": b"a: !!python/object/apply:os.system [echo pwned]\n",
    "duplicate key": b"a: 1\na: 2\n",
    "syntax error": b"a: [1, 2\n",
    "nul bytes": b"a: 1\x00\x00\n",
}


def readers(tmp_path):
    collectors, linkers = all_collectors(), load_linkers()

    def rules(path):
        folder = tmp_path / "rules" / "rds"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "rds-custom.yaml"
        target.write_bytes(path.read_bytes())
        return load_rules([tmp_path / "rules"], collectors=collectors, linkers=linkers)

    return {
        "config": load_config,
        "accounts": accounts_from_file,
        "suppressions": load_suppressions,
        "rules": rules,
        "assumptions": lambda path: load_model(collectors, linkers, path),
    }


@pytest.mark.parametrize("case", sorted(HOSTILE))
@pytest.mark.parametrize("reader", ["config", "accounts", "suppressions", "rules", "assumptions"])
def test_hostile_yaml_is_one_line(tmp_path, reader, case):
    path = tmp_path / "input.yaml"
    path.write_bytes(HOSTILE[case])
    with pytest.raises(UserError) as error:
        readers(tmp_path)[reader](path)
    message = str(error.value)
    assert "\n" not in message and len(message) < 600, message
    assert "input.yaml" in message or "rds-custom.yaml" in message, message


def test_ok_yaml_with_anchors_and_utf16_still_reads(tmp_path):
    path = tmp_path / "drcheck.yaml"
    path.write_bytes("report: &r {client: Ünïcode Ltd}\ntiers: {gold: {rpo: 1h, rto: 4h}}\n".encode("utf-16"))
    assert load_config(path).report == {"client": "Ünïcode Ltd"}


def test_accounts_file_refuses_a_duplicate_account(tmp_path):
    path = tmp_path / "accounts.yaml"
    path.write_text("- {account_id: '111122223333'}\n- {account_id: '444455556666'}\n"
                    "- {account_id: '111122223333', name: again}\n")
    with pytest.raises(UserError, match="111122223333 is listed twice .entries 1 and 3"):
        accounts_from_file(path)


def test_impossible_expiry_names_the_line(tmp_path):
    path = tmp_path / "suppressions.yaml"
    path.write_text("suppressions:\n  - rule: s3-*\n    reason: accepted\n    owner: me\n    expires: 2027-02-30\n")
    with pytest.raises(UserError, match=r"suppressions.yaml:5 .*2027-02-30.*day is out of range"):
        load_suppressions(path)


def test_yaml_is_parsed_in_one_module_only():
    """drcheck/yamlfile.py is the one place YAML text is parsed (bounded); elsewhere yaml is used
    for node types or for writing, never to read a file."""
    import re
    from pathlib import Path

    import drcheck

    parsing = re.compile(r"yaml\.(safe_load|load|full_load|unsafe_load|compose|parse|scan|load_all|"
                         r"safe_load_all|compose_all)\b|SafeLoader|CSafeLoader|FullLoader|UnsafeLoader")
    package = Path(drcheck.__file__).parent
    offenders = [str(path.relative_to(package)) for path in package.rglob("*.py")
                 if path.name != "yamlfile.py" and parsing.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
