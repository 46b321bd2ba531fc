import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import type { Subnet } from "@cdktf/provider-aws/lib/subnet";
import type { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";
import type { DataVolumeSettings } from "../settings/schema";
import { type BootTemplate, type RenderTarget, concatTemplates, readBootTemplate, renderBootConfig } from "./boot-config";
import { IMDSV2_ONLY, encryptedRoot } from "./instance-defaults";
import { PATCH_GROUP_TAG, PatchSchedule } from "./patch-schedule";
import { type PersistentVolume, attachVolume, persistentVolume } from "./persistent-volume";
import { TemplateFile } from "./template-file";

/** ECS instance attribute set once the data volume is mounted; services that keep data there require it. */
export const DATA_VOLUME_ATTRIBUTE = "data-volume";

export interface ContainerInstanceProps {
  /** Name tag of the instance. */
  readonly name: string;
  /** ECS cluster the instance joins, and its name. */
  readonly cluster: ITerraformDependable;
  readonly clusterName: string;
  /** AMI: the ECS-optimized Amazon Linux 2023 image. */
  readonly imageId: string;
  readonly instanceType: string;
  readonly rootVolumeGiB: number;
  /** Subnet, and so availability zone, of the instance (and of the data volume it creates). */
  readonly subnet: Subnet;
  readonly securityGroupIds: string[];
  readonly instanceProfileName: string;
  /**
   * The instance role's policies, which the ECS agent needs from its first start.
   * @default none
   */
  readonly rolePolicies?: ITerraformDependable[];
  /**
   * A persistent volume attached at `device` and mounted at `mountPoint` by the boot script.
   * @default no data volume
   */
  readonly dataVolume?: DataVolumeSettings | null;
  /**
   * Patch the instance in place with SSM Patch Manager, in a maintenance window opening at `schedule` (UTC, an SSM
   * cron or rate expression) and open `durationHours`. The instance ignores new AMIs, so nothing else updates it.
   * @default never patched
   */
  readonly patching?: { readonly schedule: string; readonly durationHours: number } | null;
}

export interface ContainerInstanceBoot {
  /** Cluster the ECS agent joins. */
  readonly clusterName: string;
  /** The data volume to wait for, format if blank, and mount. */
  readonly dataVolume?: { readonly volumeId: string; readonly device: string; readonly mountPoint: string };
}

/** The boot script of a container instance, from cloud-config/ecs-container-instance.sh (+ ecs-data-volume.sh). */
export function containerInstanceUserData(boot: ContainerInstanceBoot, target: "plain"): string;
export function containerInstanceUserData(boot: ContainerInstanceBoot, target?: "terraform"): BootTemplate;
export function containerInstanceUserData(boot: ContainerInstanceBoot, target: RenderTarget = "terraform"): string | BootTemplate {
  const parts = [renderBootConfig("ecs-container-instance.sh", { cluster_name: boot.clusterName }, target)];
  if (boot.dataVolume) {
    const { volumeId, device, mountPoint } = boot.dataVolume;
    const values = {
      volume_id: volumeId,
      device,
      mount_point: mountPoint,
      attribute: DATA_VOLUME_ATTRIBUTE,
      data_volume_script: readBootTemplate("data-volume.sh"),
    };
    parts.push(renderBootConfig("ecs-data-volume.sh", values, target));
  }
  return target === "plain" ? parts.join("") : concatTemplates(...(parts as BootTemplate[]));
}

/** A single ECS container instance, optionally with a persistent EBS data volume that outlives it. */
export class ContainerInstance extends Construct {
  public readonly instance: Instance;
  /** The data volume, created or existing; undefined when there is none. */
  public readonly dataVolume?: PersistentVolume;
  public readonly volumeAttachment?: VolumeAttachment;
  /** The patch baseline and maintenance window; undefined when the instance is not patched. */
  public readonly patching?: PatchSchedule;

  constructor(scope: Construct, id: string, props: ContainerInstanceProps) {
    super(scope, id);
    const data = props.dataVolume;
    this.dataVolume = data ? persistentVolume(this, { settings: data, subnet: props.subnet, name: props.name }) : undefined;

    const userData = new TemplateFile(this, "user-data", {
      fileName: "boot.sh",
      template: containerInstanceUserData({
        clusterName: props.clusterName,
        dataVolume: data && this.dataVolume ? { volumeId: this.dataVolume.volumeId, device: data.device, mountPoint: data.mountPoint } : undefined,
      }),
    });

    this.instance = new Instance(this, "instance", {
      dependsOn: [props.cluster, ...(props.rolePolicies ?? [])],
      ami: props.imageId,
      instanceType: props.instanceType,
      subnetId: props.subnet.id,
      associatePublicIpAddress: true,
      vpcSecurityGroupIds: props.securityGroupIds,
      iamInstanceProfile: props.instanceProfileName,
      metadataOptions: IMDSV2_ONLY,
      rootBlockDevice: encryptedRoot(props.rootVolumeGiB),
      monitoring: true,
      userData: userData.rendered,
      // cloud-init runs user data once per instance: a changed boot script needs a new instance.
      userDataReplaceOnChange: true,
      tags: { Name: props.name, ...(props.patching ? { [PATCH_GROUP_TAG]: props.name } : {}) },
      lifecycle: {
        // A new ECS AMI should not replace the instance in an unrelated apply; roll it with `-replace`.
        ignoreChanges: ["ami"],
        precondition: this.dataVolume?.instancePreconditions,
      },
    });

    if (data && this.dataVolume) this.volumeAttachment = attachVolume(this, this.dataVolume, data.device, this.instance);
    if (props.patching) {
      const { schedule, durationHours } = props.patching;
      this.patching = new PatchSchedule(this, "patching", { name: props.name, instanceId: this.instance.id, schedule, durationHours });
    }
  }
}
