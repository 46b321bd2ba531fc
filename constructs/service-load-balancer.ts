import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { literal } from "./literal";

/**
 * TLS 1.3, and 1.2 with AES-GCM ciphers only, with hybrid post-quantum key exchange for clients that offer it:
 * the policy AWS recommends for HTTPS listeners, and the console's default (Elastic Load Balancing guide, "Security
 * policies for your Application Load Balancer").
 */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

export interface ServiceLoadBalancerProps {
  /** Name of the load balancer and its target group (32 characters at most). */
  readonly name: string;
  readonly vpcId: string;
  /** Subnets in at least two availability zones. */
  readonly subnetIds: string[];
  readonly securityGroupId: string;
  /** true: a private address inside the VPC only. */
  readonly internal: boolean;
  /** Path the target group's health check requests. */
  readonly healthCheckPath: string;
  /**
   * ACM certificate: serve HTTPS on 443 (TLS_POLICY) and redirect HTTP on 80 to it.
   * @default plain HTTP on 80, which policy rules CKV_AWS_2, CKV_AWS_103 and CKV2_AWS_20 refuse unless suppressed
   */
  readonly certificateArn?: string | null;
  /**
   * Where it writes its access logs: the bucket, the prefix of the objects, and what must exist first.
   * @default no access logs
   */
  readonly accessLogs?: { readonly bucket: string; readonly prefix: string; readonly after: ITerraformDependable[] };
}

/** An Application Load Balancer with one instance target group that ECS fills with dynamic host ports. */
export class ServiceLoadBalancer extends Construct {
  public readonly loadBalancer: Lb;
  public readonly targetGroup: LbTargetGroup;
  /** The listener that forwards to the target group; ECS needs it in place before the service. */
  public readonly listener: LbListener;

  constructor(scope: Construct, id: string, props: ServiceLoadBalancerProps) {
    super(scope, id);
    this.loadBalancer = new Lb(this, "load-balancer", {
      name: props.name,
      loadBalancerType: "application",
      internal: props.internal,
      subnets: props.subnetIds,
      securityGroups: [props.securityGroupId],
      dropInvalidHeaderFields: true,
      accessLogs: props.accessLogs ? { bucket: props.accessLogs.bucket, prefix: props.accessLogs.prefix, enabled: true } : undefined,
      dependsOn: props.accessLogs?.after,
    });
    this.targetGroup = new LbTargetGroup(this, "targets", {
      name: props.name,
      vpcId: props.vpcId,
      targetType: "instance",
      // ECS registers each task with its own dynamic host port; this port is only the default.
      port: 80,
      protocol: "HTTP",
      deregistrationDelay: "30",
      healthCheck: { path: literal(props.healthCheckPath), matcher: "200-399", interval: 15, healthyThreshold: 2 },
    });
    const forward = [{ type: "forward", targetGroupArn: this.targetGroup.arn }];

    if (props.certificateArn) {
      this.listener = new LbListener(this, "https", {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: TLS_POLICY,
        certificateArn: props.certificateArn,
        defaultAction: forward,
      });
      new LbListener(this, "http", {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }],
      });
    } else {
      this.listener = new LbListener(this, "http", {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: forward,
      });
    }
  }
}
