"""Linker fixtures: YAML cases in tests/linker_cases/<linker>.yaml (input resources, which listings
succeeded or failed -> expected derived values or unknowns), run by this one test, like the rules'
examples. Each case links with every linker, in the declared order, so a fixture also shows what a
linker reads from the linkers before it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from drcheck import unknowns
from drcheck.link import link
from drcheck.linkers import load_linkers

CASES_DIR = Path(__file__).with_name("linker_cases")
ACCOUNT = "111122223333"
REGION = "us-east-1"


def _files():
    return sorted(CASES_DIR.glob("*.yaml"))


def _cases():
    for path in _files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for number, case in enumerate(data["cases"]):
            yield pytest.param(data["linker"], case, id=f"{path.stem}-{number}")


def _resource(spec: dict) -> dict:
    return {"service": "x", "account_id": ACCOUNT, "region": REGION, "arn": None, "name": spec.get("id"),
            "tags": {}, "properties": {}, "unavailable": {}, **spec}


def _inventory(case: dict) -> dict:
    collections = [{"account_id": ACCOUNT, "region": REGION, "resource_type": t, "status": "ok"}
                   for t in case.get("listed", [])]
    for resource_type, error in (case.get("failed") or {}).items():
        reason = f"{error['operation']} failed: {error['error_code']}"
        collections.append({"account_id": ACCOUNT, "region": REGION, "resource_type": resource_type,
                            "status": "error", "errors": [{**error, "reason": reason}]})
    return {"resources": [_resource(r) for r in case["resources"]], "collections": collections}


def test_every_fixture_names_a_linker_and_only_its_fields():
    linkers = {ln.name: ln for ln in load_linkers()}
    assert _files(), "no linker fixtures"
    for path in _files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.stem == data["linker"] and data["linker"] in linkers, path.name
        provided = {n for names in linkers[data["linker"]].provides.values() for n in names}
        for case in data["cases"]:
            for expected in case["expect"]:
                named = {*(expected.get("derived") or {}), *(expected.get("unknown") or {})}
                assert named and named <= provided, (path.name, case["name"], named - provided)


@pytest.mark.parametrize("linker_name,case", list(_cases()))
def test_linker_case(linker_name, case):
    resources = {(r["resource_type"], r["id"]): r for r in link(_inventory(case), load_linkers()).resources}
    for expected in case["expect"]:
        resource = resources[(expected["resource_type"], expected["id"])]
        for name, value in (expected.get("derived") or {}).items():
            assert f"derived.{name}" not in resource["unavailable"], (case["name"], resource["unavailable"])
            assert resource["derived"][name] == value, (case["name"], name)
        for name, want in (expected.get("unknown") or {}).items():
            entry = resource["unavailable"].get(f"derived.{name}")
            assert entry is not None and name not in resource["derived"], (case["name"], name, resource["derived"])
            assert want["reason"] in entry["reason"], (case["name"], entry["reason"])
            causes = unknowns.from_record(entry).causes
            assert unknowns.permissions_to_grant(causes) == want.get("grant", []), (case["name"], causes)


def test_every_linker_has_fixture_cases():
    # The rules' examples rule applies to linkers too: a linker without cases has no pinned behaviour.
    missing = sorted({ln.name for ln in load_linkers()} - {path.stem for path in _files()})
    assert not missing, f"linkers without a tests/linker_cases/<name>.yaml: {missing}"
