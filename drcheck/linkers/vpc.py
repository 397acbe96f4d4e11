"""VPC networking facts: which NAT gateway (in which zone) each subnet's route table sends
traffic to, and which other Direct Connect locations back up a connection."""

from __future__ import annotations

from drcheck import unknowns
from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex

SUBNET = "AWS::EC2::Subnet"
ROUTE_TABLE = "AWS::EC2::RouteTable"
NAT = "AWS::EC2::NatGateway"
DX = "AWS::DirectConnect::Connection"


def _route_tables_by_subnet(tables: list[dict]) -> tuple[dict, dict]:
    """({(account, Region, subnet id): explicitly associated table}, {(account, Region, VPC id): main
    table}), built once: looking each subnet's table up among all tables was quadratic."""
    explicit: dict[tuple[str, str, str], dict] = {}
    main: dict[tuple[str, str, str], dict] = {}
    for table in tables:
        scope = (table["account_id"], table["region"])
        for association in table["properties"].get("Associations") or []:
            if association.get("SubnetId"):
                explicit.setdefault((*scope, association["SubnetId"]), table)
            if association.get("Main"):
                main[(*scope, table["properties"].get("VpcId"))] = table
    return explicit, main


def link_nat_routes(index: ResourceIndex) -> None:
    """derived.nat_gateway_routes: the NAT gateways the subnet's route table targets, with their zone."""
    explicit_tables, main_tables = _route_tables_by_subnet(index.of_type(ROUTE_TABLE))
    nats = {(n["account_id"], n["region"], n["id"]): n for n in index.of_type(NAT)}
    subnets = {(s["account_id"], s["region"], s["id"]): s for s in index.of_type(SUBNET)}
    for subnet in index.of_type(SUBNET):
        scope = (subnet["account_id"], subnet["region"])
        problem = index.problem(*scope, ROUTE_TABLE)
        if problem:
            index.set_unknown(subnet, "nat_gateway_routes", problem)
            continue
        # The explicitly associated route table (of the subnet's VPC), else the VPC's main one.
        vpc = subnet["properties"].get("VpcId")
        table = explicit_tables.get((*scope, subnet["id"]))
        if table is None or table["properties"].get("VpcId") != vpc:
            table = main_tables.get((*scope, vpc))
        table_id = table["id"] if table else None
        routes, problems = [], []
        for route in (table["properties"].get("Routes") or []) if table else []:
            nat_id = route.get("NatGatewayId")
            if not nat_id or route.get("State") == "blackhole":
                continue
            nat = nats.get((*scope, nat_id))
            if nat is None:
                problems.append(index.problem(*scope, NAT) or f"NAT gateway {nat_id} was not found")
                continue
            regional = nat["properties"].get("AvailabilityMode") == "regional"
            nat_subnet = subnets.get((*scope, nat["properties"].get("SubnetId")))
            nat_zone = nat_subnet["properties"].get("AvailabilityZone") if nat_subnet else None
            if not regional and nat_zone is None:
                problems.append(f"the subnet of NAT gateway {nat_id} was not found")
                continue
            routes.append({
                "RouteTableId": table_id,
                "DestinationCidrBlock": route.get("DestinationCidrBlock"),
                "NatGatewayId": nat_id,
                "NatGatewayZone": "regional" if regional else nat_zone,
                "SameZone": regional or nat_zone == subnet["properties"].get("AvailabilityZone"),
            })
        if problems:
            index.set_unknown(subnet, "nat_gateway_routes", unknowns.join(problems))
        else:
            index.set_derived(subnet, "nat_gateway_routes", routes)


def link_dx_redundancy(index: ResourceIndex) -> None:
    """derived.other_locations: locations of the account's other available connections, in any
    scanned Region (a Direct Connect gateway makes any of them usable), except this one's."""
    connections = index.of_type(DX)
    for connection in connections:
        here = connection["properties"].get("location")
        others = sorted({c["properties"].get("location") for c in connections
                         if c is not connection and c["account_id"] == connection["account_id"]
                         and c["properties"].get("connectionState") == "available"
                         and c["properties"].get("location") not in (None, here)})
        problems = index.problems_in_account(connection["account_id"], DX)
        if others or not problems:
            index.set_derived(connection, "other_locations", others)
        else:
            index.set_unknown(connection, "other_locations", unknowns.join(problems))


LINKERS = (
    Linker(
        name="vpc-nat-routes",
        provides={SUBNET: ("nat_gateway_routes",)},
        reads={SUBNET: (), ROUTE_TABLE: (), NAT: ()},
        link=link_nat_routes,
    ),
    Linker(
        name="directconnect-redundancy",
        provides={DX: ("other_locations",)},
        reads={DX: ()},
        link=link_dx_redundancy,
    ),
)
