import { Construct } from "constructs";
import { Fn } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { AwsAccount, ServiceRole } from "./iam";

export interface NetworkProps {
  /** Prefix of the Name tags. */
  readonly name: string;
  /** CIDR block of the VPC. */
  readonly vpcCidr: string;
  /** One public subnet per block, each in its own availability zone. */
  readonly publicSubnetCidrs: string[];
  /**
   * Zone of each subnet, in order.
   * @default the region's first available zones
   */
  readonly availabilityZones?: string[] | null;
  /**
   * VPC flow logs of all traffic to a CloudWatch log group.
   * @default true
   */
  readonly flowLogs?: boolean;
  /** Retention of the flow log group, in days. */
  readonly logRetentionDays: number;
  /** Prefix of the flow log role's name: IAM names are account-wide, so it should name the region. */
  readonly iamName: string;
}

/** A dedicated VPC with public subnets in several zones, so nothing depends on an account's default VPC. */
export class Network extends Construct {
  public readonly vpc: Vpc;
  public readonly publicSubnets: Subnet[];
  /** Where the flow logs go; undefined when they are off. */
  public readonly flowLogGroup?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const zones =
      (props.availabilityZones && this.namedZones(props.availabilityZones)) ??
      (() => {
        const count = props.publicSubnetCidrs.length;
        const available = new DataAwsAvailabilityZones(this, "zones", {
          state: "available",
          filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
          // Checked when Terraform reads the zones, before it creates anything: element() would wrap around
          // and put two subnets in one zone, which the load balancers refuse.
          lifecycle: {
            postcondition: [
              {
                condition: `\${length(self.names) >= ${count}}`,
                errorMessage: `network.publicSubnetCidrs has ${count} subnets, but the region has fewer zones available: list fewer subnets (one per zone).`,
              },
            ],
          },
        });
        return props.publicSubnetCidrs.map((_, i) => Fn.element(available.names, i));
      })();

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.vpcCidr,
      enableDnsSupport: true,
      // Public DNS names for instances: the Docker host's TLS certificate is issued for them.
      enableDnsHostnames: true,
      tags: { Name: props.name },
    });
    // The VPC's default group allows all traffic between its members; nothing should use it.
    new DefaultSecurityGroup(this, "default-security-group", { vpcId: this.vpc.id });

    // Every accepted and rejected connection, so there is something to read after an incident.
    if (props.flowLogs ?? true) {
      this.flowLogGroup = new CloudwatchLogGroup(this, "flow-logs", {
        name: `/vpc/${props.name}/flow-logs`,
        retentionInDays: props.logRetentionDays,
      });
      const delivery = new ServiceRole(this, "flow-logs-role", {
        name: `${props.iamName}-vpc-flow-logs`,
        principal: "vpc-flow-logs.amazonaws.com",
        managedPolicyArns: [],
        // The VPC guide's minimum, less logs:CreateLogGroup: the group is ours, with its retention.
        statements: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
          },
          {
            // A listing: CloudWatch Logs authorizes it against every group of the region, never a single one.
            Effect: "Allow",
            Action: ["logs:DescribeLogGroups"],
            Resource: [AwsAccount.of(this).arn("logs", "log-group:*")],
          },
        ],
      });
      new FlowLog(this, "flow-log", {
        // Delivery fails, silently, while the role has no policy yet.
        dependsOn: delivery.policies,
        vpcId: this.vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: this.flowLogGroup.arn,
        iamRoleArn: delivery.role.arn,
        maxAggregationInterval: 60,
        tags: { Name: props.name },
      });
    }

    const gateway = new InternetGateway(this, "gateway", { vpcId: this.vpc.id, tags: { Name: props.name } });
    const routes = new RouteTable(this, "public-routes", {
      vpcId: this.vpc.id,
      route: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }],
      tags: { Name: `${props.name}-public` },
    });
    this.publicSubnets = props.publicSubnetCidrs.map((cidrBlock, i) => {
      const subnet = new Subnet(this, `public-${i}`, {
        // Internet-facing load balancers and public addresses in a subnet need the gateway attached first.
        dependsOn: [gateway],
        vpcId: this.vpc.id,
        cidrBlock,
        availabilityZone: zones[i],
        // Instances ask for a public address explicitly; nothing gets one by accident.
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.name}-public-${i}` },
      });
      new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: subnet.id, routeTableId: routes.id });
      return subnet;
    });
  }

  /**
   * The zones the settings name, checked when Terraform reads the account's zones at plan, before it creates anything:
   * which zone letters a region has differs between accounts (us-west-1 has two of a, b and c), and AWS would refuse
   * the subnet of a zone the account lacks only once the VPC is built.
   */
  private namedZones(named: string[]): string[] {
    new DataAwsAvailabilityZones(this, "zones", {
      lifecycle: {
        postcondition: [
          {
            condition: `\${alltrue([for zone in ${JSON.stringify(named)} : contains(self.names, zone)])}`,
            errorMessage: `network.availabilityZones names a zone this account does not have in the region (it has \${join(", ", self.names)}): name zones of that list, or set availabilityZones to null to take the first available ones.`,
          },
        ],
      },
    });
    return named;
  }
}
