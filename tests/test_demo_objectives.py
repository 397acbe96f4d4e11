"""The demo company shows both sides: a workload that survives losing us-east-1 and ones that do not."""

from __future__ import annotations

import json

from drcheck.link import link
from drcheck.objectives.assess import prepare
from drcheck.objectives.model import load_model
from drcheck.objectives.scenarios import make_scenario, run_scenario
from drcheck.objectives.settings import Settings


def test_demo_has_a_survivor_and_casualties_of_a_region_loss(demo_report, catalogue):
    inventory = json.loads((demo_report / "inventory.json").read_text())
    findings = json.loads((demo_report / "findings.json").read_text())["findings"]
    assert {"PASS", "FAIL"} <= {f["status"] for f in findings}  # the rule verdict mix stays mixed
    tables = [r for r in inventory["resources"] if r["id"] == "loyalty-points"]
    assert {t["region"] for t in tables} == {"us-east-1", "us-west-2"}
    assert all(t["properties"]["Table"]["Replicas"] for t in tables)  # the emulator's global-table replicas
    model = load_model(catalogue.collectors, catalogue.linkers)
    prepared = prepare(link(inventory, catalogue.linkers), model, Settings())
    result = run_scenario(prepared, make_scenario(prepared, "us-east-1", None, None))
    statuses = {w["name"]: w["status"] for w in result["workloads"]}
    assert statuses["loyalty"] == "degraded"  # fails over to us-west-2
    assert statuses["storefront"] == "down"
    assert statuses["orders"] == "down"
    loyalty = next(w for w in result["workloads"] if w["name"] == "loyalty")
    assert loyalty["tier"]["name"] == "critical"  # from its dr-tier tag
    assert "not recoverable" not in loyalty["data_at_risk"]
