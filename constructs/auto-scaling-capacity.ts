import { Construct } from "constructs";
import { Fn, type ITerraformDependable } from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import type { AutoScalingCapacity as AutoScalingSettings } from "../settings/schema";
import { containerInstanceUserData } from "./container-instance";
import { IMDSV2_ONLY, encryptedRoot } from "./instance-defaults";
import { TemplateFile } from "./template-file";

export interface AutoScalingCapacityProps {
  /** Name of the launch template, the group and the capacity provider. */
  readonly name: string;
  /** ECS cluster the instances join, and its name. */
  readonly cluster: ITerraformDependable;
  readonly clusterName: string;
  /** AMI: the ECS-optimized Amazon Linux 2023 image. */
  readonly imageId: string;
  readonly settings: AutoScalingSettings;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  readonly instanceProfileName: string;
  /**
   * The instance role's policies, which the ECS agent needs from its first start.
   * @default none
   */
  readonly rolePolicies?: ITerraformDependable[];
  /** Tags for the instances and volumes the group launches (default_tags does not reach them). */
  readonly instanceTags: Record<string, string>;
}

/**
 * ECS capacity from an autoscaling group: a launch template (launch configurations are gone for new accounts),
 * the group, and a capacity provider whose managed scaling sizes the group to the tasks that need placing.
 */
export class AutoScalingCapacity extends Construct {
  public readonly launchTemplate: LaunchTemplate;
  public readonly group: AutoscalingGroup;
  public readonly capacityProvider: EcsCapacityProvider;

  constructor(scope: Construct, id: string, props: AutoScalingCapacityProps) {
    super(scope, id);
    const s = props.settings;
    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      name: props.name,
      imageId: props.imageId,
      instanceType: s.instanceType,
      iamInstanceProfile: { name: props.instanceProfileName },
      metadataOptions: IMDSV2_ONLY,
      monitoring: { enabled: true },
      networkInterfaces: [{ associatePublicIpAddress: "true", securityGroups: props.securityGroupIds }],
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: launchTemplateEbs(encryptedRoot(s.rootVolumeGiB)) }],
      userData: Fn.base64encode(
        new TemplateFile(this, "user-data", { fileName: "boot.sh", template: containerInstanceUserData({ clusterName: props.clusterName }) }).rendered,
      ),
      tagSpecifications: ["instance", "volume"].map((resourceType) => ({
        resourceType,
        tags: { ...props.instanceTags, Name: props.name },
      })),
      updateDefaultVersion: true,
    });

    this.group = new AutoscalingGroup(this, "group", {
      dependsOn: [props.cluster, ...(props.rolePolicies ?? [])],
      name: props.name,
      minSize: s.minSize,
      maxSize: s.maxSize,
      desiredCapacity: s.desiredCapacity,
      // As in the seed. ECS registers tasks, not instances, in the target groups, so with no target group
      // attached to the group this acts as EC2 status checks; ECS itself replaces tasks that fail theirs.
      healthCheckType: "ELB",
      healthCheckGracePeriod: s.healthCheckGracePeriodSeconds,
      vpcZoneIdentifier: props.subnetIds,
      launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.toString() },
      // Roll the instances when the launch template changes (a new AMI, a new boot script), starting each
      // replacement before stopping the old instance, so a group of one never drops to none.
      instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200 } },
      // Managed termination protection is off, so nothing would ever lift a scale-in protection.
      protectFromScaleIn: false,
      tag: [
        // ECS adds this tag when it manages the group; declaring it keeps Terraform from removing it.
        { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
      ],
      lifecycle: {
        // ECS managed scaling owns the desired capacity once the group exists.
        ignoreChanges: ["desired_capacity"],
      },
    });

    this.capacityProvider = new EcsCapacityProvider(this, "capacity-provider", {
      name: props.name,
      autoScalingGroupProvider: {
        autoScalingGroupArn: this.group.arn,
        managedTerminationProtection: "DISABLED",
        managedScaling: {
          status: "ENABLED",
          targetCapacity: s.targetCapacityPercent,
          minimumScalingStepSize: 1,
          maximumScalingStepSize: Math.max(1, s.maxSize - s.minSize),
        },
      },
    });
  }
}

/** Launch templates spell the EBS flags as strings. */
function launchTemplateEbs(root: ReturnType<typeof encryptedRoot>) {
  return { ...root, encrypted: String(root.encrypted), deleteOnTermination: String(root.deleteOnTermination) };
}
