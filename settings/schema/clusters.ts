// The ECS clusters: their container instances (one, or an autoscaling group), the single instance's data volume
// and its patching.
import { z } from "zod";
import { hostPathProblem } from "../aws-rules";
import { maintenanceWindowScheduleProblem } from "../maintenance-window";
import { NAME, checkArchitecture, checkedBy, instanceType, offReason, requireReason, volumeFields } from "./common";

export const dataVolume = z
  .strictObject({
    ...volumeFields({ sizeGiB: 20, device: "/dev/xvdh" }),
    mountPoint: z
      .string()
      .regex(/^\/[a-z0-9._-]+(\/[a-z0-9._-]+)*$/, { error: "expected an absolute directory such as /data" })
      .superRefine(checkedBy(hostPathProblem))
      .default("/data")
      .describe("Where the boot script mounts the volume"),
  })
  .describe("The persistent data volume of a single-instance cluster");

const clusterCommon = {
  instanceType: instanceType().default("t3.small").describe("EC2 instance type of the container instances"),
  architecture: z
    .enum(["x86_64", "arm64"])
    .default("x86_64")
    .describe("CPU architecture: picks the ECS-optimized AMI, and must match the instance type (Graviton: arm64)"),
  rootVolumeGiB: z.int().min(30).max(16384).default(30).describe("Encrypted root volume size (the ECS AMI needs 30)"),
};

// The single instance ignores new AMIs (it is replaced only on purpose), and Amazon Linux 2023 installs no update by
// itself: Patch Manager is what keeps it patched.
export const patching = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe("Install approved security updates with SSM Patch Manager (AWS-RunPatchBaseline, rebooting if an update needs it) in a maintenance window"),
    reason: offReason(null),
    schedule: z
      .string()
      .superRefine(checkedBy(maintenanceWindowScheduleProblem))
      .default("cron(0 6 ? * SUN *)")
      .describe("When the maintenance window opens (UTC), as an SSM maintenance window cron or rate expression; the default, Sundays 06:00, is an hour after the Docker host's reboot window (dockerHost.updates) closes"),
    durationHours: z
      .int()
      .min(2)
      .max(24)
      .default(2)
      .describe("Hours the window stays open; patching starts no later than one hour before it closes"),
  })
  .prefault({})
  .superRefine(requireReason)
  .describe("Patching in place of the single instance: its services stop while it reboots");

const instanceCapacity = z.strictObject({
  type: z.literal("instance").describe("One container instance, with an optional persistent data volume"),
  ...clusterCommon,
  dataVolume: dataVolume.nullable().default(null),
  patching,
});

export const autoScalingCapacity = z
  .strictObject({
    type: z.literal("autoScaling").describe("An autoscaling group, scaled by an ECS capacity provider"),
    ...clusterCommon,
    minSize: z.int().min(0).max(1000).default(1).describe("Fewest instances"),
    maxSize: z.int().min(1).max(1000).default(2).describe("Most instances"),
    desiredCapacity: z.int().min(0).max(1000).default(1).describe("Instances at creation; ECS managed scaling moves it"),
    healthCheckGracePeriodSeconds: z
      .int()
      .min(0)
      .max(7200)
      .default(300)
      .describe("Grace period before health checks count (type ELB as in the seed; with ECS it acts as EC2 checks)"),
    targetCapacityPercent: z.int().min(1).max(100).default(100).describe("Capacity provider target utilisation"),
  })
  .superRefine((asg, ctx) => {
    if (asg.minSize > asg.maxSize) {
      ctx.addIssue({ code: "custom", path: ["minSize"], message: `expected at most maxSize (${asg.maxSize})` });
    } else if (asg.desiredCapacity < asg.minSize || asg.desiredCapacity > asg.maxSize) {
      ctx.addIssue({
        code: "custom",
        path: ["desiredCapacity"],
        message: `expected a value from minSize (${asg.minSize}) to maxSize (${asg.maxSize})`,
      });
    }
  });

const cluster = z.strictObject({
  name: z
    .string()
    .regex(NAME, { error: "expected lower-case letters, digits and hyphens" })
    .max(255)
    .describe("ECS cluster name, unique in the account and region: ECS hands an existing cluster of that name to a new deployment"),
  capacity: z.discriminatedUnion("type", [instanceCapacity, autoScalingCapacity]).superRefine((c, ctx) => checkArchitecture(c, ctx)),
});

export const DEFAULT_CLUSTERS = {
  a: { name: "berlin", capacity: { type: "instance", dataVolume: {} } },
  b: { name: "munich", capacity: { type: "autoScaling" } },
};

export const clusters = z
  .record(z.string().regex(/^[a-z][a-z0-9]{0,15}$/, { error: "expected a short lower-case key" }), cluster)
  .prefault(DEFAULT_CLUSTERS as never)
  .describe("ECS clusters by key; a null entry in INFRA_CONFIG removes a default cluster");
