import { Construct } from "constructs";
import { Op } from "cdktf";
import { DataAwsEbsVolume } from "@cdktf/provider-aws/lib/data-aws-ebs-volume";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import type { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";
import type { DataVolumeSettings } from "../settings/schema";
import { type RenderTarget, renderBootConfig } from "./boot-config";
import { IMDSV2_ONLY, encryptedRoot } from "./instance-defaults";

/** ECS instance attribute set once the data volume is mounted; services that keep data there require it. */
export const DATA_VOLUME_ATTRIBUTE = "data-volume";

export interface ContainerInstanceProps {
  /** Name tag of the instance. */
  readonly name: string;
  /** ECS cluster the instance joins. */
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
   * A persistent volume attached at `device` and mounted at `mountPoint` by the boot script.
   * @default no data volume
   */
  readonly dataVolume?: DataVolumeSettings | null;
}

export interface ContainerInstanceBoot {
  /** Cluster the ECS agent joins. */
  readonly clusterName: string;
  /** The data volume to wait for, format if blank, and mount. */
  readonly dataVolume?: { readonly volumeId: string; readonly device: string; readonly mountPoint: string };
}

/** The boot script of a container instance, from cloud-config/ecs-container-instance.sh (+ ecs-data-volume.sh). */
export function containerInstanceUserData(boot: ContainerInstanceBoot, target: RenderTarget = "terraform"): string {
  const join = renderBootConfig("ecs-container-instance.sh", { cluster_name: boot.clusterName }, target);
  if (!boot.dataVolume) return join;
  const { volumeId, device, mountPoint } = boot.dataVolume;
  return (
    join +
    renderBootConfig(
      "ecs-data-volume.sh",
      { volume_id: volumeId, device, mount_point: mountPoint, attribute: DATA_VOLUME_ATTRIBUTE },
      target,
    )
  );
}

/** A single ECS container instance, optionally with a persistent EBS data volume that outlives it. */
export class ContainerInstance extends Construct {
  public readonly instance: Instance;
  /** The volume the stack created; undefined when an existing volume is attached or there is none. */
  public readonly createdVolume?: EbsVolume;
  public readonly volumeAttachment?: VolumeAttachment;

  constructor(scope: Construct, id: string, props: ContainerInstanceProps) {
    super(scope, id);
    const data = props.dataVolume;
    const existing = data?.volumeId
      ? new DataAwsEbsVolume(this, "existing-volume", { filter: [{ name: "volume-id", values: [data.volumeId] }] })
      : undefined;
    if (data && !existing) {
      this.createdVolume = new EbsVolume(this, "data-volume", {
        availabilityZone: props.subnet.availabilityZone,
        size: data.sizeGiB,
        type: "gp3",
        encrypted: true,
        tags: { Name: `${props.name}-data` },
        // The data outlives every instance and every `destroy`; remove it by hand if you mean it.
        lifecycle: { preventDestroy: true },
      });
    }
    const volumeId = existing ? existing.volumeId : this.createdVolume?.id;

    const userData = containerInstanceUserData({
      clusterName: props.clusterName,
      dataVolume: data && volumeId ? { volumeId, device: data.device, mountPoint: data.mountPoint } : undefined,
    });

    this.instance = new Instance(this, "instance", {
      ami: props.imageId,
      instanceType: props.instanceType,
      subnetId: props.subnet.id,
      associatePublicIpAddress: true,
      vpcSecurityGroupIds: props.securityGroupIds,
      iamInstanceProfile: props.instanceProfileName,
      metadataOptions: IMDSV2_ONLY,
      rootBlockDevice: encryptedRoot(props.rootVolumeGiB),
      monitoring: true,
      userData,
      // cloud-init runs user data once per instance: a changed boot script needs a new instance.
      userDataReplaceOnChange: true,
      tags: { Name: props.name },
      lifecycle: {
        // A new ECS AMI should not replace the instance in an unrelated apply; roll it with `-replace`.
        ignoreChanges: ["ami"],
        precondition: existing
          ? [
              {
                condition: Op.eq(existing.availabilityZone, props.subnet.availabilityZone),
                errorMessage: `The data volume ${data?.volumeId} is in zone ${existing.availabilityZone}, the instance's subnet in ${props.subnet.availabilityZone}: list the volume's zone first in network.availabilityZones.`,
              },
            ]
          : undefined,
      },
    });

    if (data && volumeId) {
      this.volumeAttachment = new VolumeAttachment(this, "data-volume-attachment", {
        deviceName: data.device,
        volumeId,
        instanceId: this.instance.id,
        // Detach cleanly: the file system is flushed by the stop.
        stopInstanceBeforeDetaching: true,
      });
    }
  }
}
