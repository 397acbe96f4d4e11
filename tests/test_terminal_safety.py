"""Account data and custom rules reach the terminal inert: no escape sequence, no Rich markup, no forged line.

A tag value is anyone's text. Printed raw, ESC[...] recolours or clears the screen, OSC 8 makes a
hidden link, OSC 0 retitles the window, and "[bold red]" is read by Rich as markup.
"""

from __future__ import annotations

import io
import json
import sys

import pytest
from rich.console import Console

from drcheck.cli import main
from drcheck.inventory import inventory_json
from drcheck.text import terminal_text
from tests.inventories import inventory as make_inventory
from tests.inventories import resource

CSI = "\x1b[2J\x1b[31m"  # clear the screen, then red
OSC8 = "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
TITLE = "\x1b]0;pwned\x07"
MARKUP = "[bold red]ALERT[/bold red][link=https://evil.example/]x[/link]"
HOSTILE = f"shop{CSI}{OSC8}{TITLE}{MARKUP}\rFAKE LINE\u202eexe.txt"
RAW_CONTROLS = ("\x1b", "\x07", "\r", "\u202e")


def printed(text: str, *, markup: bool = True) -> str:
    out = io.StringIO()
    Console(file=out, width=400, color_system=None, highlight=False).print(text, markup=markup)
    return out.getvalue()


@pytest.mark.parametrize("markup", [True, False])
def test_terminal_text_makes_escapes_markup_and_controls_inert(markup):
    shown = printed("tag: " + terminal_text(HOSTILE, markup=markup), markup=markup)
    for raw in RAW_CONTROLS:
        assert raw not in shown, repr(shown)
    assert "[bold red]ALERT[/bold red]" in shown  # printed as written, not as style
    assert "\\x1b[2J" in shown and "\\x1b]8;;https://evil.example/" in shown  # visible, so the reader sees it
    assert "<U+202E>" in shown
    assert shown.count("\n") == 1  # a newline in a value cannot forge a second console line
    assert "\\n" in printed(terminal_text("a\nb", markup=markup), markup=markup)


def test_a_trailing_backslash_cannot_escape_our_own_markup():
    shown = printed(f"[yellow]{terminal_text('C:' + chr(92))}[/yellow] done")
    assert "[/yellow]" not in shown and "done" in shown


def run(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, "argv", ["drcheck", *args])
    monkeypatch.chdir("/")  # no ./drcheck.yaml from the working directory
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def assert_inert(output: str) -> None:
    for raw in RAW_CONTROLS:
        assert raw not in output, f"{raw!r} reached the terminal: {output!r}"
    # The markup printed as written (tables may wrap the cell at its spaces; Rich would have eaten the tags).
    assert "red]ALERT[/bold" in output, output


@pytest.fixture
def hostile_inventory(tmp_path):
    table = resource("AWS::DynamoDB::Table", "carts", tags={"workload": HOSTILE},
                     Table={"TableName": "carts", "TableStatus": "ACTIVE"})
    # A zone the inventory has, for `whatif --az` (a zone no resource is in is refused).
    volume = resource("AWS::EC2::Volume", "vol-0carts", tags={"workload": HOSTILE}, AvailabilityZone="us-east-1a",
                      Size=8, State="in-use")
    path = tmp_path / "inventory.json"
    path.write_bytes(inventory_json(make_inventory([table, volume])))
    return path


@pytest.mark.parametrize("args", [
    ("objectives", "{inv}"),
    ("whatif", "--outage-region", "us-east-1", "{inv}"),
    ("whatif", "--az", "us-east-1a", "{inv}"),
])
def test_workload_names_from_tags_print_inert(monkeypatch, capsys, hostile_inventory, args):
    code, out, err = run(monkeypatch, capsys, *[a.replace("{inv}", str(hostile_inventory)) for a in args])
    assert code == 0, err
    assert_inert(out + err)


def test_json_output_keeps_the_value_exactly(monkeypatch, capsys, hostile_inventory):
    code, out, _ = run(monkeypatch, capsys, "objectives", str(hostile_inventory), "--json")
    assert code == 0
    assert "\x1b" not in out  # JSON escapes controls (\u001b) and keeps the value for a program to read
    assert [w["name"] for w in json.loads(out)["workloads"]] == [HOSTILE]


HOSTILE_RULE = """\
id: rds-hostile-title
title: "Backups {title}"
service: rds
resource_type: AWS::RDS::DBInstance
category: backup
severity: high
description: "Checks backups. {title}"
parameters:
  min_days: {{default: 7, description: "days {title}"}}
condition:
  field: BackupRetentionPeriod
  gte: {{param: min_days}}
messages: {{pass: ok, fail: "no {title}"}}
remediation:
  summary: "Turn on backups {title}"
  cli: "aws rds modify-db-instance --db-instance-identifier <resource_id> # {title}"
  terraform: "backup_retention_period = 7 # {title}"
  effort: setting
references: {{well_architected: [REL09-BP01], docs: ["https://docs.aws.amazon.com/{title}"]}}
examples:
  - {{name: kept, status: PASS, resource: {{properties: {{BackupRetentionPeriod: 7}}}}}}
  - {{name: none, status: FAIL, resource: {{properties: {{BackupRetentionPeriod: 0}}}}}}
"""


@pytest.fixture
def hostile_rules(tmp_path):
    folder = tmp_path / "rules" / "rds"
    folder.mkdir(parents=True)
    # JSON string escapes are YAML double-quoted escapes: the loaded strings hold the real control characters.
    (folder / "rds-hostile-title.yaml").write_text(HOSTILE_RULE.format(title=json.dumps(HOSTILE)[1:-1]))
    return tmp_path / "rules"


@pytest.mark.parametrize("args", [
    ("rules", "list", "--rules-dir", "{dir}"),
    ("rules", "show", "rds-hostile-title", "--rules-dir", "{dir}"),
])
def test_custom_rule_text_prints_inert(monkeypatch, capsys, hostile_rules, args):
    code, out, err = run(monkeypatch, capsys, *[a.replace("{dir}", str(hostile_rules)) for a in args])
    assert code == 0, err
    assert "rds-hostile-title" in out
    assert_inert(out + err)


def test_rules_check_problems_print_inert(monkeypatch, capsys, hostile_rules):
    rule = hostile_rules / "rds" / "rds-hostile-title.yaml"
    hostile_example = (f'  - {{name: "{json.dumps(HOSTILE)[1:-1]}", status: FAIL, '
                       'resource: {properties: {BackupRetentionPeriod: 9}}}\n')
    rule.write_text(rule.read_text() + hostile_example)  # an example that fails, named by someone else
    code, out, err = run(monkeypatch, capsys, "rules", "check", str(hostile_rules))
    assert code == 1
    assert "expected FAIL, got PASS" in err and "ALERT" in err
    for raw in RAW_CONTROLS:
        assert raw not in out + err


def test_an_error_line_quoting_account_text_stays_one_inert_line(monkeypatch, capsys, tmp_path):
    folder = tmp_path / "rules" / "rds"
    folder.mkdir(parents=True)
    (folder / "rds-bad.yaml").write_text('id: rds-bad\ntitle: "x"\nservice: rds\nresource_type: "AWS::\\e[31m[bold]X\\nY"\n')
    code, out, err = run(monkeypatch, capsys, "rules", "list", "--rules-dir", str(tmp_path / "rules"))
    assert code == 2
    assert err.startswith("drcheck: ") and err.count("\n") == 1, err
    assert "\x1b" not in err


def test_diff_and_history_print_names_inert(monkeypatch, capsys, tmp_path):
    table = resource("AWS::DynamoDB::Table", "carts", Table={"TableName": "carts", "TableStatus": "ACTIVE"})
    table["name"] = HOSTILE
    path = tmp_path / "inventory.json"
    path.write_bytes(inventory_json(make_inventory([table])))
    history = tmp_path / "history.sqlite3"
    for folder in ("old", "new"):
        code, _, err = run(monkeypatch, capsys, "assess", str(path), "--format", "json", "--output-dir",
                           str(tmp_path / folder), "--history", str(history))
        assert code == 0, err
    code, out, err = run(monkeypatch, capsys, "diff", str(tmp_path / "old"), str(tmp_path / "new"))
    assert code == 0, err
    assert "Still failing" in out and "ALERT" in out
    for raw in RAW_CONTROLS:
        assert raw not in out + err
    code, out, err = run(monkeypatch, capsys, "history", "--history", str(history))
    assert code == 0, err
    for raw in RAW_CONTROLS:
        assert raw not in out + err
