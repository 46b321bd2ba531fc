import { Construct } from "constructs";
import { EcsCluster as Cluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import type { EcsServiceCapacityProviderStrategy } from "@cdktf/provider-aws/lib/ecs-service";
import type { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Annotations, type ITerraformDependable } from "cdktf";
import type { ClusterSettings } from "../settings/schema";
import { AutoScalingCapacity } from "./auto-scaling-capacity";
import { ContainerInstance } from "./container-instance";

export interface EcsClusterProps {
  readonly settings: ClusterSettings;
  /** Prefix of the names of the instances, templates and groups. */
  readonly resourceName: string;
  /** AMI of the container instances: the ECS-optimized Amazon Linux 2023 image. */
  readonly imageId: string;
  /** Subnets of the instances; a single instance takes the first. */
  readonly subnets: Subnet[];
  readonly securityGroupIds: string[];
  readonly instanceProfileName: string;
  /**
   * The instance role's policies: instances start after them, so the ECS agent can register at its first boot.
   * @default none
   */
  readonly instanceRolePolicies?: ITerraformDependable[];
  /** Tags for what an autoscaling group launches. */
  readonly instanceTags: Record<string, string>;
}

/** How a service places its tasks on a cluster's capacity. */
export interface TaskPlacement {
  readonly launchType?: string;
  readonly capacityProviderStrategy?: EcsServiceCapacityProviderStrategy[];
  /** What must exist before a service can place tasks. */
  readonly dependsOn: ITerraformDependable[];
}

/** An ECS cluster (Container Insights on) with its EC2 capacity: one instance, or an autoscaling group. */
export class EcsCluster extends Construct {
  public readonly cluster: Cluster;
  public readonly placement: TaskPlacement;
  /** Set when the capacity is a single instance. */
  public readonly containerInstance?: ContainerInstance;
  /** Set when the capacity is an autoscaling group. */
  public readonly autoScaling?: AutoScalingCapacity;

  constructor(scope: Construct, id: string, props: EcsClusterProps) {
    super(scope, id);
    const capacity = props.settings.capacity;
    this.cluster = new Cluster(this, "cluster", {
      name: props.settings.name,
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    const common = {
      // The known name, not the resource attribute: boot scripts stay literal, reviewable text. So the
      // dependency is explicit: an agent that starts before its cluster exists cannot register.
      cluster: this.cluster,
      clusterName: props.settings.name,
      imageId: props.imageId,
      securityGroupIds: props.securityGroupIds,
      instanceProfileName: props.instanceProfileName,
      rolePolicies: props.instanceRolePolicies,
    };

    if (capacity.type === "instance") {
      this.containerInstance = new ContainerInstance(this, "capacity", {
        ...common,
        name: props.resourceName,
        instanceType: capacity.instanceType,
        rootVolumeGiB: capacity.rootVolumeGiB,
        subnet: props.subnets[0],
        dataVolume: capacity.dataVolume,
        patching: capacity.patching.enabled ? capacity.patching : null,
      });
      if (!capacity.patching.enabled) {
        Annotations.of(this).addWarning(
          `capacity.patching.enabled is false for cluster ${props.settings.name}: its instance gets no security updates until it is replaced (reason: ${capacity.patching.reason})`,
        );
      }
      this.placement = { launchType: "EC2", dependsOn: [] };
    } else {
      this.autoScaling = new AutoScalingCapacity(this, "capacity", {
        ...common,
        name: props.resourceName,
        settings: capacity,
        subnetIds: props.subnets.map((s) => s.id),
        instanceTags: props.instanceTags,
      });
      const providerName = this.autoScaling.capacityProvider.name;
      const association = new EcsClusterCapacityProviders(this, "capacity-providers", {
        clusterName: this.cluster.name,
        capacityProviders: [providerName],
        defaultCapacityProviderStrategy: [{ capacityProvider: providerName, weight: 1, base: 0 }],
      });
      this.placement = {
        capacityProviderStrategy: [{ capacityProvider: providerName, weight: 1, base: 0 }],
        dependsOn: [association],
      };
    }
  }
}
