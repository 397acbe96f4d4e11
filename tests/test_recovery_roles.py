"""Every collected type says what it is to the recovery model, next to its collector."""

from __future__ import annotations

from drcheck.collectors import all_collectors
from drcheck.collectors.spec import RECOVERY_ROLES
from drcheck.objectives.model import load_model
from drcheck.objectives.settings import Settings


def test_every_collector_declares_a_recovery_role():
    undeclared = sorted(t for t, c in all_collectors().items() if c.recovery_role not in RECOVERY_ROLES)
    assert not undeclared, f"collectors without a recovery_role: {undeclared}"


def test_modelled_types_are_components(catalogue):
    model = load_model(catalogue.collectors, catalogue.linkers, check_fields=False)
    for resource_type, type_model in model.types.items():
        assert model.is_component(resource_type)
        assert type_model.stateful == (catalogue.collectors[resource_type].recovery_role == "stateful")


def test_supporting_types_are_never_components(catalogue):
    """Subnets, route tables, Region settings, registries, snapshots and protected-resource records
    are read to judge others; they used to count as components and turn verdicts unknown."""
    from drcheck.link import link
    from drcheck.objectives.assess import prepare

    model = load_model(catalogue.collectors, catalogue.linkers, check_fields=False)
    resources = [
        {"resource_type": t, "service": "x", "account_id": "1", "region": "us-east-1", "id": t, "arn": None,
         "name": t, "tags": {"workload": "shop"}, "properties": {}, "unavailable": {}}
        for t in ("AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::Backup::RegionSettings", "AWS::ECR::Registry",
                  "AWS::EC2::Snapshot", "AWS::Backup::ProtectedResource")
    ]
    prepared = prepare(link({"resources": resources, "collections": []}, catalogue.linkers), model, Settings())
    assert prepared.components == []
    assert len(prepared.supporting) == len(resources)
