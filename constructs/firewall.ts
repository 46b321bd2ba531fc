import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";

/** Where a rule's traffic comes from (ingress) or goes to (egress): a CIDR block or another group. */
export type Peer = { readonly cidr: string } | { readonly group: SecurityGroup };

export interface RuleProps {
  /** Why the rule exists; shown in the console and required by our policy. */
  readonly description: string;
  readonly peer: Peer;
  /** First port, or the only one. Omit with protocol "-1" for all traffic. */
  readonly fromPort?: number;
  /** @default fromPort */
  readonly toPort?: number;
  /** @default "tcp" */
  readonly protocol?: string;
}

/** A security group whose every rule is its own resource with a description. */
export class Firewall extends Construct {
  public readonly group: SecurityGroup;

  constructor(scope: Construct, id: string, props: { name: string; description: string; vpcId: string }) {
    super(scope, id);
    this.group = new SecurityGroup(this, "group", {
      // A prefix, not a fixed name: a replacement is created before the old group is gone (below), and two
      // groups cannot share a name.
      namePrefix: `${props.name}-`,
      description: props.description,
      vpcId: props.vpcId,
      tags: { Name: props.name },
      // Replacing a group that instances use needs the new one first.
      lifecycle: { createBeforeDestroy: true },
    });
  }

  allowIn(id: string, rule: RuleProps): VpcSecurityGroupIngressRule {
    return new VpcSecurityGroupIngressRule(this, `in-${id}`, { securityGroupId: this.group.id, ...ruleConfig(rule) });
  }

  allowOut(id: string, rule: RuleProps): VpcSecurityGroupEgressRule {
    return new VpcSecurityGroupEgressRule(this, `out-${id}`, { securityGroupId: this.group.id, ...ruleConfig(rule) });
  }
}

function ruleConfig(rule: RuleProps) {
  const protocol = rule.protocol ?? "tcp";
  return {
    description: rule.description,
    ipProtocol: protocol,
    ...(protocol === "-1" ? {} : { fromPort: rule.fromPort, toPort: rule.toPort ?? rule.fromPort }),
    ...("cidr" in rule.peer ? { cidrIpv4: rule.peer.cidr } : { referencedSecurityGroupId: rule.peer.group.id }),
  };
}
