"""VPC networking: route tables, NAT gateways, Site-to-Site VPN connections, transit gateway VPC
attachments and VPC endpoints. One list call per Region each; zones come from the subnets."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::EC2::RouteTable",
        recovery_role="supporting",
        service="ec2",
        list_operation="DescribeRouteTables",
        list_permission="ec2:DescribeRouteTables",
        result_key="RouteTables",
        id_field="RouteTableId",
        arn_template="arn:{partition}:ec2:{region}:{account_id}:route-table/{RouteTableId}",
        tags_field="Tags",
    ),
    Collector(
        resource_type="AWS::EC2::NatGateway",
        recovery_role="stateless",
        service="ec2",
        list_operation="DescribeNatGateways",
        list_permission="ec2:DescribeNatGateways",
        result_key="NatGateways",
        id_field="NatGatewayId",
        arn_template="arn:{partition}:ec2:{region}:{account_id}:natgateway/{NatGatewayId}",
        tags_field="Tags",
    ),
    Collector(
        resource_type="AWS::EC2::VPNConnection",
        recovery_role="supporting",
        service="ec2",
        list_operation="DescribeVpnConnections",
        list_permission="ec2:DescribeVpnConnections",
        result_key="VpnConnections",
        paginate=False,  # DescribeVpnConnections returns every connection in one answer
        id_field="VpnConnectionId",
        arn_template="arn:{partition}:ec2:{region}:{account_id}:vpn-connection/{VpnConnectionId}",
        tags_field="Tags",
    ),
    Collector(
        resource_type="AWS::EC2::TransitGatewayAttachment",
        recovery_role="supporting",
        service="ec2",
        list_operation="DescribeTransitGatewayVpcAttachments",
        list_permission="ec2:DescribeTransitGatewayVpcAttachments",
        result_key="TransitGatewayVpcAttachments",
        id_field="TransitGatewayAttachmentId",
        arn_template="arn:{partition}:ec2:{region}:{account_id}:transit-gateway-attachment/{TransitGatewayAttachmentId}",
        tags_field="Tags",
    ),
    Collector(
        resource_type="AWS::EC2::VPCEndpoint",
        recovery_role="supporting",
        service="ec2",
        list_operation="DescribeVpcEndpoints",
        list_permission="ec2:DescribeVpcEndpoints",
        result_key="VpcEndpoints",
        id_field="VpcEndpointId",
        arn_template="arn:{partition}:ec2:{region}:{account_id}:vpc-endpoint/{VpcEndpointId}",
        name_field="ServiceName",
        tags_field="Tags",
    ),
)
