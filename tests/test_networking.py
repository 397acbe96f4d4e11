"""VPC networking, Direct Connect and Route 53 Resolver collectors and rules (moto), plus the NAT
route linker's traps (main route table, regional NAT gateways, blackholes)."""

from __future__ import annotations

from drcheck.link import link
from drcheck.linkers.vpc import LINKERS as VPC_LINKERS
from tests.stubbing import Call, findings_for, inventory_of, resource, stub_collect
from tests.test_compute_network import run, vpc_with_subnets


def test_nat_gateway_zones(aws, catalogue):
    vpc, a, b, a2 = vpc_with_subnets(aws)
    ec2 = aws.client("ec2")
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=a, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    # The main route table sends everything to the NAT gateway in us-east-1a; subnet a2 has its
    # own table with no NAT route.
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    ec2.create_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    isolated = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=isolated, SubnetId=a2)
    result = run(aws, catalogue, ["vpc-subnet-nat-gateway-same-zone"])["vpc-subnet-nat-gateway-same-zone"]
    assert {k: v for k, v in result.items() if k in (a, b, a2)} == {a: "PASS", b: "FAIL", a2: "NOT_APPLICABLE"}


def nat_linked(subnet_zone, nat, routes, associations=None):
    subnet = resource("AWS::EC2::Subnet", "subnet-x", {"VpcId": "vpc-1", "AvailabilityZone": subnet_zone})
    nat_subnet = resource("AWS::EC2::Subnet", "subnet-n", {"VpcId": "vpc-1", "AvailabilityZone": "us-east-1a"})
    table = resource("AWS::EC2::RouteTable", "rtb-1", {"VpcId": "vpc-1", "Routes": routes,
                                                       "Associations": associations or [{"Main": True}]})
    inventory = inventory_of([subnet, nat_subnet, table, resource("AWS::EC2::NatGateway", "nat-1", nat)],
                             ["AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::NatGateway"])
    return link(inventory, VPC_LINKERS).resources[0]


def test_nat_routes_regional_and_blackhole():
    regional = nat_linked("us-east-1b", {"AvailabilityMode": "regional"},
                          [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"}])
    assert regional["derived"]["nat_gateway_routes"][0]["SameZone"] is True
    blackhole = nat_linked("us-east-1b", {"SubnetId": "subnet-n"},
                           [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "blackhole"}])
    assert blackhole["derived"]["nat_gateway_routes"] == []
    other = nat_linked("us-east-1b", {"SubnetId": "subnet-n"},
                       [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"}])
    assert other["derived"]["nat_gateway_routes"][0] == {
        "RouteTableId": "rtb-1", "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1",
        "NatGatewayZone": "us-east-1a", "SameZone": False}
    missing = nat_linked("us-east-1b", {"SubnetId": "subnet-n"},
                         [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-gone", "State": "active"}])
    assert "nat-gone" in missing["unavailable"]["derived.nat_gateway_routes"]["reason"]


def test_transit_gateway_and_endpoints(aws, catalogue):
    vpc, a, b, a2 = vpc_with_subnets(aws)
    ec2 = aws.client("ec2")
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    narrow = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[a])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    interface = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.sts",
                                        VpcEndpointType="Interface", SubnetIds=[a, b])["VpcEndpoint"]["VpcEndpointId"]
    gateway = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3",
                                      VpcEndpointType="Gateway")["VpcEndpoint"]["VpcEndpointId"]
    result = run(aws, catalogue, ["vpc-transit-gateway-attachment-multi-az", "vpc-endpoint-multi-az"])
    assert result["vpc-transit-gateway-attachment-multi-az"] == {narrow: "FAIL"}
    endpoints = {f"{k}": v for k, v in result["vpc-endpoint-multi-az"].items()}
    assert endpoints == {"com.amazonaws.us-east-1.sts": "PASS", "com.amazonaws.us-east-1.s3": "NOT_APPLICABLE"}
    assert interface and gateway


def test_vpn_tunnels(aws, catalogue):
    ec2 = aws.client("ec2")
    gateway = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="203.0.113.1", BgpAsn=65000)[
        "CustomerGateway"]["CustomerGatewayId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    vpn = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=gateway, VpnGatewayId=vgw)[
        "VpnConnection"]["VpnConnectionId"]
    result = run(aws, catalogue, ["vpc-vpn-connection-tunnels-up"])["vpc-vpn-connection-tunnels-up"]
    # moto reports no tunnel telemetry: an available connection whose tunnels we cannot see is UNKNOWN.
    assert result == {vpn: "UNKNOWN"}


def test_vpn_tunnel_down_with_stubber(catalogue):
    connection = {"VpnConnectionId": "vpn-1", "State": "available", "Type": "ipsec.1", "CustomerGatewayId": "cgw-1",
                  "VgwTelemetry": [{"OutsideIpAddress": "1.1.1.1", "Status": "UP"},
                                   {"OutsideIpAddress": "2.2.2.2", "Status": "DOWN"}]}
    inventory = stub_collect(catalogue, [("AWS::EC2::VPNConnection", ["VgwTelemetry"])],
                             {"ec2": [Call("describe_vpn_connections", {"VpnConnections": [connection]}, {})]})
    assert findings_for(catalogue, inventory, "vpc-vpn-connection-tunnels-up")[0]["status"] == "FAIL"


def test_vpn_access_denied_is_unknown_for_the_region(catalogue):
    inventory = stub_collect(catalogue, [("AWS::EC2::VPNConnection", [])],
                             {"ec2": [Call("describe_vpn_connections", error="UnauthorizedOperation", status=403)]})
    (finding,) = findings_for(catalogue, inventory, "vpc-vpn-connection-tunnels-up")
    assert finding["status"] == "UNKNOWN" and finding["missing_permissions"] == ["ec2:DescribeVpnConnections"]


def test_direct_connect_locations(aws, catalogue):
    dx = aws.client("directconnect")
    dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="primary")
    result = run(aws, catalogue, ["directconnect-connection-location-redundancy"])
    assert result["directconnect-connection-location-redundancy"] == {"primary": "FAIL"}
    dx.create_connection(location="CSVA1", bandwidth="1Gbps", connectionName="secondary")
    result = run(aws, catalogue, ["directconnect-connection-location-redundancy"])
    assert result["directconnect-connection-location-redundancy"] == {"primary": "PASS", "secondary": "PASS"}


def test_direct_connect_linker():
    def connection(cid, location, state="available"):
        return resource("AWS::DirectConnect::Connection", cid, {"location": location, "connectionState": state})

    linked = link(inventory_of([connection("a", "EqDC2"), connection("b", "EqDC2"),
                                          connection("c", "CSVA1", state="down")],
                                         ["AWS::DirectConnect::Connection"]), VPC_LINKERS).resources
    assert linked[0]["derived"]["other_locations"] == []  # same location, and the other one is down
    linked = link(inventory_of([connection("a", "EqDC2"), connection("c", "CSVA1")],
                                         ["AWS::DirectConnect::Connection"]), VPC_LINKERS).resources
    assert linked[0]["derived"]["other_locations"] == ["CSVA1"]


def test_resolver_endpoint_zones(aws, catalogue):
    vpc, a, b, a2 = vpc_with_subnets(aws)
    group = aws.client("ec2").create_security_group(GroupName="dns", Description="dns", VpcId=vpc)["GroupId"]
    resolver = aws.client("route53resolver")
    wide = resolver.create_resolver_endpoint(CreatorRequestId="1", Name="wide", SecurityGroupIds=[group],
                                             Direction="INBOUND", IpAddresses=[{"SubnetId": a}, {"SubnetId": b}])
    narrow = resolver.create_resolver_endpoint(CreatorRequestId="2", Name="narrow", SecurityGroupIds=[group],
                                               Direction="INBOUND", IpAddresses=[{"SubnetId": a}, {"SubnetId": a2}])
    result = run(aws, catalogue, ["route53resolver-endpoint-multi-az"])
    assert result["route53resolver-endpoint-multi-az"] == {"wide": "PASS", "narrow": "FAIL"}
    assert wide and narrow
