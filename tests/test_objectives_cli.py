"""`drcheck whatif` and `drcheck objectives` on a saved inventory, including bad flags (one line, exit 2)."""

from __future__ import annotations

import json
import sys

import pytest

from drcheck.cli import main
from drcheck.inventory import inventory_json
from tests.conftest import collect_types


@pytest.fixture(scope="module")
def inventory_file(tmp_path_factory, catalogue):
    """A small account collected from moto: a Multi-AZ database and an unreplicated table."""
    import boto3
    from moto import mock_aws

    from drcheck.objectives.model import load_model

    path = tmp_path_factory.mktemp("inventory") / "inventory.json"
    mp = pytest.MonkeyPatch()
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}.items():
        mp.setenv(key, value)
    mp.delenv("AWS_ENDPOINT_URL", raising=False)
    mp.delenv("AWS_PROFILE", raising=False)
    try:
        with mock_aws():
            session = boto3.Session(region_name="us-east-1")
            session.client("rds").create_db_instance(
                DBInstanceIdentifier="orders-db", Engine="postgres", DBInstanceClass="db.t3.micro",
                MasterUsername="admin", MasterUserPassword="password-1", AllocatedStorage=20, MultiAZ=True,
                BackupRetentionPeriod=7, Tags=[{"Key": "workload", "Value": "orders"}])
            session.client("dynamodb").create_table(
                TableName="carts", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
                Tags=[{"Key": "app", "Value": "shop"}])
            model = load_model(catalogue.collectors, catalogue.linkers)
            inventory = collect_types(session, catalogue, model.needs(), regions=("us-east-1", "us-west-2"))
    finally:
        mp.undo()
    path.write_bytes(inventory_json(inventory))
    return path


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


def test_whatif_region_json(monkeypatch, capsys, inventory_file):
    code, out, err = run(monkeypatch, capsys, "whatif", "--outage-region", "us-east-1", str(inventory_file), "--json")
    assert code == 0 and err == ""
    result = json.loads(out)
    statuses = {w["name"]: w["status"] for w in result["workloads"]}
    assert statuses == {"orders": "down", "shop": "down"}
    assert result["scenario"]["title"] == "What if us-east-1 goes down?"


def test_whatif_service_table(monkeypatch, capsys, inventory_file):
    code, out, _ = run(monkeypatch, capsys, "whatif", "--service", "dynamodb", "--outage-region", "us-east-1",
                       str(inventory_file))
    assert code == 0
    assert "What if dynamodb goes down in us-east-1?" in out
    assert "1 survive" in out and "1 down" in out
    assert "carts" in out


def test_whatif_az(monkeypatch, capsys, inventory_file):
    code, out, _ = run(monkeypatch, capsys, "whatif", "--az", "us-east-1a", str(inventory_file), "--json")
    assert code == 0
    statuses = {w["name"]: w["status"] for w in json.loads(out)["workloads"]}
    assert statuses["shop"] == "survives"  # DynamoDB spans zones


def test_objectives_table_and_json(monkeypatch, capsys, inventory_file):
    code, out, _ = run(monkeypatch, capsys, "objectives", str(inventory_file))
    assert code == 0 and "Recovery objectives per workload" in out and "orders" in out
    code, out, _ = run(monkeypatch, capsys, "objectives", str(inventory_file), "--json")
    document = json.loads(out)
    orders = next(w for w in document["workloads"] if w["name"] == "orders")
    assert orders["disruptions"]["az"]["rpo_text"] == "0 s"
    assert orders["tier"]["name"] == "standard"
    assert document["main_region"] == "us-east-1"


@pytest.mark.parametrize(("old", "new", "notice"), [
    (["whatif", "--region", "us-east-1", "--inventory", "{inv}", "--json"],
     ["whatif", "--outage-region", "us-east-1", "{inv}", "--json"], "use --outage-region"),
    (["whatif", "--service", "dynamodb", "-r", "us-east-1", "-i", "{inv}", "--json"],
     ["whatif", "--service", "dynamodb", "--outage-region", "us-east-1", "{inv}", "--json"], "use --outage-region"),
    (["objectives", "-i", "{inv}", "--json"], ["objectives", "{inv}", "--json"], "--inventory/-i is deprecated"),
])
def test_old_spellings_still_work_with_a_notice(monkeypatch, capsys, inventory_file, old, new, notice):
    """The inventory used to be an option, and whatif's --region the Region that goes down."""
    def spelled(args):
        return [a.replace("{inv}", str(inventory_file)) for a in args]

    code, old_out, old_err = run(monkeypatch, capsys, *spelled(old))
    assert code == 0, old_err
    assert notice in old_err and all(line.startswith("drcheck: ") and "deprecated" in line
                                     for line in old_err.strip().splitlines())
    code, new_out, new_err = run(monkeypatch, capsys, *spelled(new))
    assert code == 0 and new_err == ""
    assert json.loads(old_out) == json.loads(new_out)


def test_objectives_assumptions_need_no_inventory(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "objectives", "--assumptions", "--json")
    assert code == 0
    table = json.loads(out)
    assert any(row["case"] == "rds-multi-az" and row["rto"] == "1 min–2 min" for row in table["rows"])
    assert all(s["url"].startswith("https://docs.aws.amazon.com/") or s["url"].startswith("https://aws.amazon.com/")
               for s in table["sources"])
    code, out, _ = run(monkeypatch, capsys, "objectives", "--assumptions")
    assert code == 0 and "Concepts.MultiAZ.Failover" in out


@pytest.mark.parametrize(("args", "message"), [
    (["whatif", "{inv}"], "say what goes down"),
    (["whatif", "--service", "dynamodb", "{inv}"], "--service needs --outage-region"),
    (["whatif", "--outage-region", "eu-west-9", "{inv}"], "not in this inventory"),
    (["whatif", "--outage-region", "us-east-1", "--service", "teleport", "{inv}"], "unknown service"),
    (["whatif", "--az", "moon-1", "{inv}"], "not an Availability Zone"),
    (["whatif", "--az", "us-east-1a", "--outage-region", "us-east-1", "{inv}"], "--az names its own Region"),
    (["whatif", "--outage-region", "us-east-1"], "give an INVENTORY file"),
    (["whatif", "--region", "us-east-1"], "say what goes down"),  # --region is the Region to scan
    (["whatif", "--outage-region", "us-east-1", "{inv}", "--region", "us-east-1"], "not both"),
    (["whatif", "--outage-region", "us-east-1", "/nonexistent/inventory.json"], "Cannot read inventory"),
    (["whatif", "--outage-region", "us-east-1", "{inv}", "-i", "{inv}"], "give the inventory once"),
    (["objectives"], "give an INVENTORY file"),
    (["objectives", "{inv}", "--all-regions"], "not both"),
])
def test_bad_flags_are_one_line_and_exit_2(monkeypatch, capsys, inventory_file, args, message):
    code, out, err = run(monkeypatch, capsys, *[a.replace("{inv}", str(inventory_file)) for a in args])
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_whatif_on_a_live_scan(aws, monkeypatch, capsys, tmp_path):
    """Without an inventory, the same command scans (here: moto) through the scan's targets and collection."""
    aws.client("dynamodb").create_table(
        TableName="carts", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": "workload", "Value": "shop"}])
    saved = tmp_path / "inventory.json"
    code, out, err = run(monkeypatch, capsys, "whatif", "--service", "dynamodb", "--outage-region", "us-east-1",
                         "--region", "us-east-1", "--max-workers", "2", "--save-inventory", str(saved), "--json",
                         "--quiet")
    assert code == 0, err
    assert {w["name"]: w["status"] for w in json.loads(out)["workloads"]} == {"shop": "down"}
    assert json.loads(saved.read_text())["regions"] == ["us-east-1"]
    old = tmp_path / "old.json"
    code, out, err = run(monkeypatch, capsys, "whatif", "--service", "dynamodb", "--region", "us-east-1",
                         "--scan-region", "us-east-1", "--save-inventory", str(old), "--json", "--quiet")
    assert code == 0, err
    assert {w["name"]: w["status"] for w in json.loads(out)["workloads"]} == {"shop": "down"}
    assert "--scan-region is deprecated" in err and "use --outage-region" in err
    assert json.loads(old.read_text())["regions"] == ["us-east-1"]


def test_objectives_on_a_live_accounts_file(aws, monkeypatch, capsys, tmp_path):
    """--accounts (like --org) reaches objectives through the scan's target resolution."""
    aws.client("dynamodb").create_table(
        TableName="carts", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": "workload", "Value": "shop"}])
    account_id = aws.client("sts").get_caller_identity()["Account"]
    (tmp_path / "accounts.yaml").write_text(f"- {{account_id: '{account_id}', name: main}}\n")
    code, out, err = run(monkeypatch, capsys, "objectives", "--accounts", str(tmp_path / "accounts.yaml"),
                         "--region", "us-east-1", "--json", "--quiet")
    assert code == 0, err
    document = json.loads(out)
    assert document["main_region"] == "us-east-1" and [w["name"] for w in document["workloads"]] == ["shop"]
