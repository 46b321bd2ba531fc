import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService as Service } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { suppressRule } from "../policy/policy-checks";
import type { ContainerDefinition } from "../settings/task-definitions";
import { DATA_VOLUME_ATTRIBUTE } from "./container-instance";
import type { EcsCluster } from "./ecs-cluster";
import { jsonDocument } from "./json-document";
import { ServiceLoadBalancer, type ServiceLoadBalancerProps } from "./service-load-balancer";

export interface ServiceLoadBalancingProps extends Omit<ServiceLoadBalancerProps, "name"> {
  /** Container that receives the traffic. */
  readonly container: string;
  /** Its port; the host port is dynamic. */
  readonly containerPort: number;
}

export interface EcsServiceProps {
  /** ECS service name. */
  readonly name: string;
  /** Name of the task definition family, the log group and the load balancer. */
  readonly resourceName: string;
  readonly cluster: EcsCluster;
  /** Container definitions, as checked from the task definition file. */
  readonly containerDefinitions: ContainerDefinition[];
  /** Role ECS uses to pull images, read registry credentials and write logs. */
  readonly executionRoleArn: string;
  /**
   * The execution role's policies: tasks pull images and write logs with them from their first start.
   * @default none
   */
  readonly executionRolePolicies?: ITerraformDependable[];
  /** Region of the log groups. */
  readonly region: string;
  readonly logRetentionDays: number;
  /**
   * Secrets Manager secret with registry credentials, given to every container as repositoryCredentials.
   * @default public images only
   */
  readonly registryCredentialsSecretArn?: string | null;
  readonly desiredCount: number;
  readonly minimumHealthyPercent: number;
  readonly maximumPercent: number;
  /**
   * Host directories the containers mount; the tasks then run only where the data volume is mounted.
   * @default none
   */
  readonly volumes?: { readonly name: string; readonly hostPath: string }[];
  /**
   * Containers that may write to their root filesystem, by name, each with why: the reason suppresses policy rule
   * CKV_AWS_336 for that container alone.
   * @default none: a container without "readonlyRootFilesystem": true stops synthesis
   */
  readonly readonlyRootFilesystemExceptions?: Readonly<Record<string, string>>;
  /**
   * An Application Load Balancer in front of the service.
   * @default none: the service takes no inbound traffic
   */
  readonly loadBalancer?: ServiceLoadBalancingProps | null;
  /**
   * Target-tracking scaling of the task count on average CPU.
   * @default a fixed task count
   */
  readonly autoScaling?: { readonly minCount: number; readonly maxCount: number; readonly targetCpuPercent: number } | null;
}

/** An ECS service on EC2 with its task definition, log group, and optionally a load balancer and autoscaling. */
export class EcsService extends Construct {
  public readonly logGroup: CloudwatchLogGroup;
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly service: Service;
  public readonly loadBalancer?: ServiceLoadBalancer;
  public readonly scalingTarget?: AppautoscalingTarget;

  constructor(scope: Construct, id: string, props: EcsServiceProps) {
    super(scope, id);
    const volumes = props.volumes ?? [];
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/ecs/${props.resourceName}`,
      retentionInDays: props.logRetentionDays,
    });
    const secret = props.registryCredentialsSecretArn;
    // The file's text is the user's: jsonDocument() keeps it literal, whatever ${, %{, quotes or backslashes it holds.
    const containers = props.containerDefinitions.map((c) => ({
      ...c,
      logConfiguration: c.logConfiguration ?? {
        logDriver: "awslogs",
        options: {
          "awslogs-group": this.logGroup.name,
          "awslogs-region": props.region,
          "awslogs-stream-prefix": props.name,
        },
      },
      ...(secret && !c.repositoryCredentials ? { repositoryCredentials: { credentialsParameter: secret } } : {}),
    }));
    this.taskDefinition = new EcsTaskDefinition(this, "task", {
      family: props.resourceName,
      requiresCompatibilities: ["EC2"],
      networkMode: "bridge",
      executionRoleArn: props.executionRoleArn,
      containerDefinitions: jsonDocument(containers),
      volume: volumes.map((v) => ({ name: v.name, hostPath: v.hostPath })),
    });
    for (const [name, reason] of Object.entries(props.readonlyRootFilesystemExceptions ?? {})) {
      const container = props.containerDefinitions.find((c) => c.name === name);
      if (!container || container.readonlyRootFilesystem === true) {
        const names = props.containerDefinitions.map((c) => c.name).join(", ");
        throw new Error(
          `EcsService ${this.node.path}: readonlyRootFilesystemExceptions names ${name}, ${container ? "whose root filesystem is read-only already" : `not a container of the task definition (${names})`}`,
        );
      }
      suppressRule(this.taskDefinition, "CKV_AWS_336", `container ${name} may write to its root filesystem: ${reason}`, `container ${name}`);
    }

    const lb = props.loadBalancer;
    if (lb) {
      this.loadBalancer = new ServiceLoadBalancer(this, "load-balancer", { ...lb, name: props.resourceName });
    }
    const placement = props.cluster.placement;
    this.service = new Service(this, "service", {
      name: props.name,
      cluster: props.cluster.cluster.id,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.desiredCount,
      launchType: placement.launchType,
      capacityProviderStrategy: placement.capacityProviderStrategy,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: props.minimumHealthyPercent,
      deploymentMaximumPercent: props.maximumPercent,
      loadBalancer:
        lb && this.loadBalancer
          ? [{ targetGroupArn: this.loadBalancer.targetGroup.arn, containerName: lb.container, containerPort: lb.containerPort }]
          : undefined,
      healthCheckGracePeriodSeconds: lb ? 60 : undefined,
      placementConstraints:
        volumes.length > 0
          ? [{ type: "memberOf", expression: `attribute:${DATA_VOLUME_ATTRIBUTE} == mounted` }]
          : undefined,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      dependsOn: [
        ...placement.dependsOn,
        ...(props.executionRolePolicies ?? []),
        ...(this.loadBalancer ? [this.loadBalancer.listener] : []),
      ],
      // Application Auto Scaling owns the task count once it scales the service.
      lifecycle: props.autoScaling ? { ignoreChanges: ["desired_count"] } : undefined,
    });

    const scaling = props.autoScaling;
    if (scaling) {
      this.scalingTarget = new AppautoscalingTarget(this, "scaling-target", {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: `service/${props.cluster.cluster.name}/${this.service.name}`,
        minCapacity: scaling.minCount,
        maxCapacity: scaling.maxCount,
      });
      new AppautoscalingPolicy(this, "scaling-policy", {
        name: `${props.resourceName}-cpu`,
        policyType: "TargetTrackingScaling",
        serviceNamespace: this.scalingTarget.serviceNamespace,
        scalableDimension: this.scalingTarget.scalableDimension,
        resourceId: this.scalingTarget.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: scaling.targetCpuPercent,
          predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
          scaleInCooldown: 120,
          scaleOutCooldown: 60,
        },
      });
    }
  }
}
