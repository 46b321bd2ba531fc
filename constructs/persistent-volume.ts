// A data volume that outlives every instance it is attached to: an existing EBS volume from settings, or an
// encrypted one the stack creates and Terraform refuses to destroy. Shared by the ECS instance and the Docker host.
import type { Construct } from "constructs";
import { Op, type TerraformCondition } from "cdktf";
import { DataAwsEbsVolume } from "@cdktf/provider-aws/lib/data-aws-ebs-volume";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import type { Instance } from "@cdktf/provider-aws/lib/instance";
import type { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";

export interface PersistentVolumeSettings {
  /** An existing volume to attach; null creates one. */
  readonly volumeId: string | null;
  readonly sizeGiB: number;
  /** Device name it is attached as. */
  readonly device: string;
}

export interface PersistentVolume {
  readonly volumeId: string;
  /** Its ARN, for backup selections. */
  readonly arn: string;
  /** The volume the stack created; undefined when an existing one is attached. */
  readonly created?: EbsVolume;
  /** For the instance it is attached to: an existing volume must be in the zone of the instance's subnet. */
  readonly instancePreconditions?: TerraformCondition[];
}

/**
 * Adds the volume to `scope` (ids `data-volume` or `existing-volume`: the addresses of volumes already deployed
 * must never change, or Terraform would plan to replace data it may not destroy).
 */
export function persistentVolume(
  scope: Construct,
  props: { readonly settings: PersistentVolumeSettings; readonly subnet: Subnet; readonly name: string },
): PersistentVolume {
  const { settings, subnet } = props;
  if (settings.volumeId) {
    const existing = new DataAwsEbsVolume(scope, "existing-volume", { filter: [{ name: "volume-id", values: [settings.volumeId] }] });
    return {
      volumeId: existing.volumeId,
      arn: existing.arn,
      instancePreconditions: [
        {
          condition: Op.eq(existing.availabilityZone, subnet.availabilityZone),
          errorMessage: `The data volume ${settings.volumeId} is in zone ${existing.availabilityZone}, the instance's subnet in ${subnet.availabilityZone}: list the volume's zone first in network.availabilityZones.`,
        },
      ],
    };
  }
  const created = new EbsVolume(scope, "data-volume", {
    availabilityZone: subnet.availabilityZone,
    size: settings.sizeGiB,
    type: "gp3",
    encrypted: true,
    tags: { Name: `${props.name}-data` },
    // The data outlives every instance and every `destroy`; remove it by hand if you mean it.
    lifecycle: { preventDestroy: true },
  });
  return { volumeId: created.id, arn: created.arn, created };
}

/** Attaches the volume to `instance` as its configured device. */
export function attachVolume(scope: Construct, volume: PersistentVolume, device: string, instance: Instance): VolumeAttachment {
  return new VolumeAttachment(scope, "data-volume-attachment", {
    deviceName: device,
    volumeId: volume.volumeId,
    instanceId: instance.id,
    // Detach cleanly: the file system is flushed by the stop.
    stopInstanceBeforeDetaching: true,
  });
}
