import { Construct } from "constructs";
import { suppressRule } from "../policy/policy-checks";
import { Firewall } from "./firewall";

/** Docker's and Amazon Linux's ephemeral ranges together: where ECS puts dynamic host ports. */
export const DYNAMIC_HOST_PORTS = { fromPort: 32768, toPort: 65535 } as const;

export interface EcsFirewallsProps {
  /** Prefix of the group names. */
  readonly name: string;
  readonly vpcId: string;
  /** Source of the internal load balancers' traffic. */
  readonly vpcCidr: string;
  /** Open 443 as well as 80 on the load balancers. */
  readonly https: boolean;
}

/**
 * The security groups of the ECS platform: load balancers take HTTP(S), container instances take traffic
 * only from the load balancers, and nothing opens an administration port (use SSM Session Manager).
 */
export class EcsFirewalls extends Construct {
  public readonly containerInstances: Firewall;
  private readonly props: EcsFirewallsProps;
  private readonly byScheme = new Map<boolean, Firewall>();

  constructor(scope: Construct, id: string, props: EcsFirewallsProps) {
    super(scope, id);
    this.props = props;
    this.containerInstances = new Firewall(this, "container-instances", {
      name: `${props.name}-container-instances`,
      description: "ECS container instances: tasks' host ports, from the load balancers only",
      vpcId: props.vpcId,
    });
    this.containerInstances.allowOut("all", {
      description: "ECS, ECR, CloudWatch Logs, SSM and image registries",
      peer: { cidr: "0.0.0.0/0" },
      protocol: "-1",
    });
  }

  /** The group of the public or the internal load balancers, made on first use. */
  loadBalancers(internal: boolean): Firewall {
    let firewall = this.byScheme.get(internal);
    if (firewall) return firewall;
    const kind = internal ? "internal" : "public";
    const peer = { cidr: internal ? this.props.vpcCidr : "0.0.0.0/0" };
    const from = internal ? "the VPC" : "anywhere";
    firewall = new Firewall(this, `${kind}-load-balancers`, {
      name: `${this.props.name}-${kind}-load-balancers`,
      description: `${internal ? "Internal" : "Internet-facing"} load balancers of the ECS services`,
      vpcId: this.props.vpcId,
    });
    const http = firewall.allowIn("http", { description: `HTTP from ${from}`, peer, fromPort: 80 });
    if (!internal) {
      suppressRule(
        http,
        "CKV_AWS_260",
        "An internet-facing load balancer exists to take HTTP from anyone; with a certificate set, HTTP only redirects to HTTPS.",
      );
    }
    if (this.props.https) firewall.allowIn("https", { description: `HTTPS from ${from}`, peer, fromPort: 443 });
    firewall.allowOut("tasks", {
      description: "To the tasks' dynamic host ports on the container instances",
      peer: { group: this.containerInstances.group },
      ...DYNAMIC_HOST_PORTS,
    });
    this.containerInstances.allowIn(`${kind}-load-balancers`, {
      description: `Tasks' dynamic host ports, from the ${kind} load balancers`,
      peer: { group: firewall.group },
      ...DYNAMIC_HOST_PORTS,
    });
    this.byScheme.set(internal, firewall);
    return firewall;
  }
}
