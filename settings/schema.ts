// The one place every setting is declared: its type, its default and what it means.
// The README's settings table is generated from these descriptions (`npm run docs`).
import { z } from "zod";
import { contains, isNetworkAddress, overlaps, parseCidr, unusableRange } from "./cidr";
import { backupScheduleProblem } from "./aws-cron";
import { dnsNameProblem, keyPairNameProblem } from "./aws-names";
import { backendKeyProblem, bucketNameProblem, bucketPrefixProblem } from "./s3-names";
import { AWS_RULES, architectureOf, containerPathProblem, hostPathProblem, regionProblem } from "./aws-rules";
import { own } from "./json-file";
import { maintenanceWindowScheduleProblem } from "./maintenance-window";
import { tmpfsPathProblem } from "./task-definitions";
import { dockerNameProblem, duplicateMounts, environmentProblem, healthcheckProblem, imageLengthProblem, runtimeMountProblem } from "./docker-rules";
import { certsDirProblem, stateDirProblem } from "./paths-checks";

// A synth parses the settings once: zod's compiled fast path costs more to build (about 30 ms) than it saves.
z.config({ jitless: true });

const NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

// Flatcar's maintenance window, in the canonical forms locksmith documents; stricter than coreos-cloudinit's own
// patterns, which the cloud-config contract test applies to what we render.
const WINDOW_START = /^((Sun|Mon|Tue|Wed|Thu|Fri|Sat) )?([01][0-9]|2[0-3]):[0-5][0-9]$/;
const WINDOW_LENGTH = /^(?=[1-9])([1-9][0-9]*h)?([1-9][0-9]*m)?$/;

const CIDR_SYNTAX = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const DNS_NAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Why the built-in settings serve plain HTTP: they have no certificate to offer. */
export const PLAIN_HTTP_REASON = "The built-in settings are for trying the stack out: set certificateArn before it carries real traffic.";

/** Why a safeguard is off: the policy rule it satisfies is then suppressed with this reason, shown in reviews. */
const offReason = (rule: string | null) =>
  z
    .string()
    .min(20)
    .nullable()
    .default(null)
    .describe(
      `Required when enabled is false: why (at least 20 characters); ${rule ? `it becomes the suppression of policy rule ${rule}` : "every synthesis shows it as a warning"}`,
    );
function requireReason(value: { enabled: boolean; reason: string | null }, ctx: z.RefinementCtx<unknown>): void {
  if (!value.enabled && !value.reason) {
    ctx.addIssue({ code: "custom", path: ["reason"], message: "expected a reason of at least 20 characters for turning this off" });
  }
}

/** A string check whose problem text comes from a function (undefined: fine). */
const checkedBy =
  (problem: (value: string) => string | undefined) =>
  (value: string, ctx: z.RefinementCtx<string>): void => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: "custom", message });
  };
/** A CIDR block AWS accepts for a VPC or a subnet. */
const vpcBlock = () =>
  cidr().refine((block) => !CIDR_SYNTAX.test(block) || (Number(block.split("/")[1]) >= 16 && Number(block.split("/")[1]) <= 28), {
    error: `expected a prefix from /16 to /28 (${AWS_RULES.vpcPrefix.source})`,
  });
const port = () => z.int().min(1).max(65535);
const cidr = () =>
  z
    .cidrv4({ error: "expected an IPv4 CIDR block such as 10.0.0.0/16" })
    // Only once the block parses: a malformed one is reported once, by the check above.
    .refine((block) => !CIDR_SYNTAX.test(block) || isNetworkAddress(block), {
      error: "expected the network address of the block (no bits set after the prefix)",
    });
/** An ARN of the aws partition; `resource` is the pattern of its last part. */
const arn = (service: string, resource: string, example: string) =>
  z
    .string()
    .regex(new RegExp(`^arn:aws:${service}:[a-z0-9-]+:\\d{12}:${resource}$`), {
      error: `expected an ARN like ${example}`,
    });
/** The region part of an ARN. */
const arnRegion = (value: string) => value.split(":")[3];

const instanceType = () =>
  z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "expected an EC2 instance type such as t3.small" });

const state = z
  .strictObject({
    bucket: z
      .string()
      .regex(BUCKET, { error: `expected an S3 bucket name: ${AWS_RULES.s3BucketName.rule}` })
      // The names S3 reserves, once the shape is right: a malformed name is reported once, above.
      .superRefine(checkedBy((name) => (BUCKET.test(name) ? bucketNameProblem(name) : undefined)))
      .nullable()
      .default(null)
      .describe("S3 bucket for Terraform state (encrypted, with S3 lock files); null keeps state in local files"),
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._/-]+$/, { error: "expected an S3 key prefix such as soa/prod" })
      // The key is <keyPrefix>/…: a prefix with an outer or a double slash makes a key Terraform refuses.
      .superRefine(checkedBy((prefix) => (prefix === "" ? undefined : backendKeyProblem(prefix))))
      .default("soa")
      .describe("Key prefix of the state objects in the bucket: <prefix>/<stack>.tfstate"),
    region: z
      .string()
      .superRefine(checkedBy(regionProblem))
      .nullable()
      .default(null)
      .describe("Region of the state bucket; null means the platform's region"),
    localDir: z
      .string()
      .regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/, {
        error: "expected a directory relative to the project, without '..'",
      })
      .superRefine(checkedBy(stateDirProblem))
      .default("terraform-state")
      .describe("Directory, relative to the project, of the local state files when no bucket is set"),
    keyIncludesRegion: z
      .boolean()
      .nullable()
      .default(null)
      .describe(
        "The region in the state's key, after the environment: <keyPrefix>/<environment>/<region>/<stack>.tfstate, so one environment in two regions keeps two states. true for a new deployment; false keeps the key an existing deployment's state is at (README, State: moving it); null: false, with a warning at every synthesis until you choose",
      ),
  })
  .prefault({})
  .describe("Where Terraform keeps the state of each stack");

/** Recovery points that outlive a mistake or a stolen deploy role. */
const backupLock = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe("A vault access policy that denies everyone deleting a recovery point or changing its lifecycle, and an AWS Backup Vault Lock that keeps each one minRetentionDays"),
    reason: offReason(null),
    mode: z
      .enum(["governance", "compliance"])
      .default("governance")
      .describe(
        "governance: the lock holds until someone allowed backup:DeleteBackupVaultLockConfiguration removes it, a deliberate step CloudTrail records. compliance: once changeableForDays have passed nobody, the root user included, can change or remove the lock (a deploy that would, fails), delete a recovery point before minRetentionDays, or delete the vault while it holds one; irreversible, for data that must be kept",
      ),
    minRetentionDays: z
      .int()
      .min(1)
      .max(36500)
      .nullable()
      .default(null)
      .describe("Days a recovery point is kept at least (AWS Backup fails a backup job that would keep one shorter): at most backups.retentionDays; null: backups.retentionDays (governance mode only). A change replaces the lock"),
    changeableForDays: z
      .int()
      .min(3)
      .max(36500)
      .default(3)
      .describe("compliance mode only: days after the deploy during which the lock can still be changed or removed; then it is fixed for good"),
  })
  .prefault({})
  .superRefine((lock, ctx) => {
    requireReason(lock, ctx);
    // Every change of a lock replaces it, which compliance mode refuses once its grace period is over.
    if (lock.enabled && lock.mode === "compliance" && lock.minRetentionDays === null) {
      ctx.addIssue({
        code: "custom",
        path: ["minRetentionDays"],
        message: "expected a number of days in compliance mode: a lock that follows backups.retentionDays would have to be replaced when that changes, which compliance mode refuses after changeableForDays",
      });
    }
  })
  .describe("Protection of the recovery points in the backup vault");

const network = z
  .strictObject({
    vpcCidr: vpcBlock().default("10.20.0.0/16").describe("CIDR block of the dedicated VPC"),
    publicSubnetCidrs: z
      .array(vpcBlock())
      .min(2)
      .max(6)
      .default(["10.20.0.0/24", "10.20.1.0/24"])
      .describe("One public subnet per availability zone, inside the VPC; at least two for the load balancers"),
    availabilityZones: z
      .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { error: "expected a zone name such as us-west-1a" }))
      .nullable()
      .default(null)
      .describe("Zone of each subnet, in order; null takes the region's first available zones"),
    flowLogs: z
      .strictObject({
        enabled: z.boolean().default(true).describe("VPC flow logs (all traffic) to a CloudWatch log group kept for logRetentionDays"),
        reason: offReason("CKV2_AWS_11"),
      })
      .prefault({})
      .superRefine(requireReason)
      .describe("The VPC's flow logs"),
  })
  .prefault({})
  .superRefine((net, ctx) => {
    const unusable = CIDR_SYNTAX.test(net.vpcCidr) ? unusableRange(net.vpcCidr) : undefined;
    if (unusable) {
      ctx.addIssue({
        code: "custom",
        path: ["vpcCidr"],
        message: `expected a block outside ${unusable[0]} (${unusable[1]}): ${AWS_RULES.vpcRange.rule}`,
      });
    }
    net.publicSubnetCidrs.forEach((subnet, i) => {
      if (!contains(net.vpcCidr, subnet)) {
        ctx.addIssue({
          code: "custom",
          path: ["publicSubnetCidrs", i],
          message: `expected a block inside vpcCidr ${net.vpcCidr}`,
        });
      }
      net.publicSubnetCidrs.slice(0, i).forEach((earlier, j) => {
        if (overlaps(earlier, subnet)) {
          ctx.addIssue({
            code: "custom",
            path: ["publicSubnetCidrs", i],
            message: `expected a block that does not overlap publicSubnetCidrs[${j}] (${earlier})`,
          });
        }
      });
    });
    net.availabilityZones?.forEach((zone, i) => {
      const first = net.availabilityZones!.indexOf(zone);
      if (first !== i) {
        ctx.addIssue({
          code: "custom",
          path: ["availabilityZones", i],
          message: `expected a zone not already used by availabilityZones[${first}]: ${AWS_RULES.zones.rule}`,
        });
      }
    });
    if (net.availabilityZones && net.availabilityZones.length !== net.publicSubnetCidrs.length) {
      ctx.addIssue({
        code: "custom",
        path: ["availabilityZones"],
        message: `expected one zone per public subnet (${net.publicSubnetCidrs.length})`,
      });
    }
  })
  .describe("The VPC the platform runs in");

/** An EBS volume that outlives the instances it is attached to: an existing one, or one the stack creates. */
const volumeFields = (defaults: { sizeGiB: number; device: string }) => ({
  volumeId: z
    .string()
    .regex(/^vol-[0-9a-f]{8,17}$/, { error: "expected an EBS volume ID such as vol-0123456789abcdef0" })
    .nullable()
    .default(null)
    .describe("Existing EBS volume to attach (never destroyed by us); null creates an encrypted one with prevent_destroy"),
  sizeGiB: z
    .int()
    .min(1)
    .max(16384)
    .default(defaults.sizeGiB)
    .describe("Size of the volume the stack creates; raising it grows the volume, and the file system at the next boot"),
  device: z
    .string()
    .regex(/^\/dev\/(sd|xvd)[f-p]$/, { error: "expected a device name from /dev/sdf to /dev/xvdp" })
    .default(defaults.device)
    .describe("Device name the volume is attached as (it shows up under an NVMe name on Nitro instances)"),
});

const dataVolume = z
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
const patching = z
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

const autoScalingCapacity = z
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

/** The instance type's architecture must be the AMI's. */
function checkArchitecture(
  capacity: { instanceType: string; architecture: "x86_64" | "arm64" },
  ctx: z.RefinementCtx<unknown>,
  path: PropertyKey[] = [],
): void {
  const actual = architectureOf(capacity.instanceType);
  if (actual !== capacity.architecture) {
    ctx.addIssue({
      code: "custom",
      path: [...path, "instanceType"],
      message: `expected an ${capacity.architecture} instance type: ${capacity.instanceType} is ${actual} (set architecture to "${actual}" for it)`,
    });
  }
}

const cluster = z.strictObject({
  name: z
    .string()
    .regex(NAME, { error: "expected lower-case letters, digits and hyphens" })
    .max(255)
    .describe("ECS cluster name, unique in the account and region: ECS hands an existing cluster of that name to a new deployment"),
  capacity: z.discriminatedUnion("type", [instanceCapacity, autoScalingCapacity]).superRefine((c, ctx) => checkArchitecture(c, ctx)),
});

const loadBalancer = z.strictObject({
  container: z.string().min(1).describe("Container of the task definition that receives the traffic"),
  containerPort: port().describe("Port of that container; the host port is dynamic"),
  internal: z.boolean().default(false).describe("true: reachable only inside the VPC"),
  healthCheckPath: z
    .string()
    .regex(/^\/\S*$/, { error: "expected a path starting with /" })
    .superRefine(checkedBy((path) => (path.length > 1024 ? `expected at most 1024 characters, not ${path.length}: ${AWS_RULES.healthCheckPath.rule}` : undefined)))
    .default("/")
    .describe("Target group health check path"),
});

const service = z
  .strictObject({
    cluster: z.string().describe("Key of the cluster in `clusters` that runs the service"),
    taskDefinition: z
      .string()
      .regex(/\.json$/, { error: "expected a .json file" })
      .describe("Container definitions file, relative to the project"),
    desiredCount: z.int().min(0).max(1000).default(1).describe("Tasks to run"),
    minimumHealthyPercent: z.int().min(0).max(100).default(100).describe("Deployment lower bound"),
    maximumPercent: z.int().min(100).max(200).default(200).describe("Deployment upper bound"),
    volumes: z
      .array(
        z.strictObject({
          name: z
            .string()
            .regex(/^[A-Za-z0-9_-]{1,255}$/, { error: "expected letters, digits, _ and -" })
            .describe("Volume name that mountPoints[].sourceVolume refers to"),
          hostPath: z
            .string()
            .regex(/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, { error: "expected an absolute path" })
            .superRefine(checkedBy(hostPathProblem))
            .describe("Directory on the container instance"),
        }),
      )
      .default([])
      .describe("Host volumes for mountPoints; a host path must be under the cluster's data volume"),
    readonlyRootFilesystemExceptions: z
      .record(z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, { error: "expected a container name" }), z.string().min(20))
      .default({})
      .describe("Containers of the task definition that may write to their root filesystem, each with why (at least 20 characters); the reason becomes the suppression of policy rule CKV_AWS_336 for that container alone"),
    loadBalancer: loadBalancer
      .nullable()
      .default(null)
      .describe("An Application Load Balancer in front of the service; null for none"),
    autoScaling: z
      .strictObject({
        minCount: z.int().min(0).max(1000).describe("Fewest tasks"),
        maxCount: z.int().min(1).max(1000).describe("Most tasks"),
        targetCpuPercent: z.int().min(1).max(100).default(60).describe("Average CPU the policy aims for"),
      })
      .nullable()
      .default(null)
      .describe("Target-tracking scaling of the task count; null for a fixed count"),
  })
  .superRefine((svc, ctx) => {
    const scaling = svc.autoScaling;
    if (!scaling) return;
    if (scaling.minCount > scaling.maxCount) {
      ctx.addIssue({
        code: "custom",
        path: ["autoScaling", "minCount"],
        message: `expected at most autoScaling.maxCount (${scaling.maxCount})`,
      });
    } else if (svc.desiredCount < scaling.minCount || svc.desiredCount > scaling.maxCount) {
      ctx.addIssue({
        code: "custom",
        path: ["desiredCount"],
        message: `expected a value from autoScaling.minCount (${scaling.minCount}) to maxCount (${scaling.maxCount})`,
      });
    }
  });

const dockerHost = z
  .strictObject({
    instanceType: instanceType().default("t3.medium").describe("EC2 instance type of the Docker host"),
    architecture: z
      .enum(["x86_64", "arm64"])
      .default("x86_64")
      .describe("Architecture of the Flatcar AMI; must match the instance type"),
    flatcarChannel: z
      .enum(["stable", "beta", "alpha", "lts"])
      .default("stable")
      .describe("Flatcar Container Linux release channel of the AMI"),
    rootVolumeGiB: z.int().min(16).max(16384).default(30).describe("Encrypted root volume size"),
    keyPair: z
      .string()
      .min(1)
      .superRefine(checkedBy(keyPairNameProblem))
      .nullable()
      .default(null)
      .describe("EC2 key pair for SSH as `core`; null: no key and no SSH rule at all"),
    adminCidrs: z
      .array(cidr())
      .default([])
      .describe("Addresses allowed to reach the Docker API (and SSH with a key pair); empty: nobody. A range of /7 or wider, such as 0.0.0.0/0, warns at synth"),
    apiPort: port()
      .refine((p) => ![22, 80, 443].includes(p), { error: "expected a port other than 22, 80 and 443" })
      .default(2376)
      .describe("TCP port of the Docker API (TLS, client certificates required)"),
    dns: z
      .strictObject({
        hostedZoneId: z
          .string()
          .regex(/^Z[0-9A-Z]{4,32}$/, { error: "expected a Route 53 hosted zone ID such as Z0123456789ABC" })
          .describe("Public hosted zone that holds the name"),
        name: z
          .string()
          .regex(DNS_NAME, { error: `expected a DNS name such as docker.example.com: ${AWS_RULES.dnsName.rule}` })
          // The whole name's length, once its labels are right: a malformed name is reported once, above.
          .superRefine(checkedBy((name) => (DNS_NAME.test(name) ? dnsNameProblem(name) : undefined)))
          .describe("Name of the Docker host; the server certificate is issued for it"),
      })
      .nullable()
      .default(null)
      .describe("A Route 53 name for the host; null: its EC2 public DNS name, covered by a regional wildcard"),
    dataVolume: z
      .strictObject(volumeFields({ sizeGiB: 50, device: "/dev/xvdf" }))
      .prefault({})
      .describe("The EBS volume that holds /var/lib/docker (images, containers, volumes): mounted before Docker starts"),
    updates: z
      .strictObject({
        reboots: z
          .enum(["window", "off"])
          .default("window")
          .describe("window: Flatcar reboots into an installed update only inside the window; off: never by itself"),
        windowStart: z
          .string()
          .regex(WINDOW_START, { error: 'expected a day and a time such as "Sun 04:00" (or a time alone: daily)' })
          .default("Sun 04:00")
          .describe("Start of the weekly maintenance window, in the host's time zone (UTC)"),
        windowLength: z
          .string()
          .regex(WINDOW_LENGTH, { error: 'expected a duration such as "1h" or "1h30m"' })
          .default("1h")
          .describe("Length of the maintenance window"),
      })
      .prefault({})
      .describe("Flatcar's automatic updates: when the host may reboot into one (the containers stop meanwhile)"),
    readinessTimeoutSeconds: z
      .int()
      .min(30)
      .max(3600)
      .default(600)
      .describe("How long deploy waits for the Docker API to answer over TLS before failing"),
    certsDir: z
      .string()
      .regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/, { error: "expected a directory relative to the project, without '..'" })
      // Only once the pattern holds: git is asked about a plain relative path.
      .superRefine(checkedBy((dir) => (/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/.test(dir) ? certsDirProblem(dir) : undefined)))
      .default("certs")
      .describe("Where `npm run certs` writes, and deploy reads, the CA and the certificates"),
  })
  .prefault({})
  .superRefine((host, ctx) => {
    checkArchitecture(host, ctx);
    host.adminCidrs.forEach((block, i) => {
      const first = host.adminCidrs.indexOf(block);
      if (first !== i) {
        ctx.addIssue({ code: "custom", path: ["adminCidrs", i], message: `expected a block not already listed as adminCidrs[${first}] (${AWS_RULES.duplicateRule.source})` });
      }
    });
  })
  .describe("The Flatcar Container Linux instance that serves the Docker API over mutual TLS");

const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?(@sha256:[a-f0-9]{64})?$/;

/** What Docker grants a container by default: the most one of ours may keep after dropping all capabilities. */
const DOCKER_DEFAULT_CAPABILITIES = [
  "CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_MKNOD",
  "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT",
] as const;

const container = z.strictObject({
  image: z
    .string()
    .regex(IMAGE, { error: "expected an image reference such as elasticsearch:8.17.0" })
    .refine((ref) => /@sha256:/.test(ref) || (/:[^/]+$/.test(ref) && !ref.endsWith(":latest")), {
      error: "expected an image pinned by a tag other than latest, or by a digest",
    })
    .superRefine(checkedBy(imageLengthProblem))
    .describe("Image, pinned by tag or digest; pulled once and kept on the host"),
  hostname: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { error: "expected a host name label" })
    .nullable()
    .default(null)
    .describe("Host name inside the container; null: the container's key"),
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, { error: "expected an environment variable name" }), z.string())
    .default({})
    .describe("Environment variables"),
  memoryMb: z.int().min(6).max(1048576).default(512).describe("Memory limit in MiB"),
  restart: z
    .enum(["no", "on-failure", "always", "unless-stopped"])
    .default("unless-stopped")
    .describe("Restart policy"),
  healthcheck: z
    .strictObject({
      test: z.array(z.string()).min(1).describe('Command, e.g. ["CMD-SHELL", "curl -f http://localhost/"]'),
      intervalSeconds: z.int().min(1).max(3600).default(30).describe("Time between checks"),
      timeoutSeconds: z.int().min(1).max(3600).default(10).describe("Time a check may take"),
      retries: z.int().min(1).max(100).default(3).describe("Failures before unhealthy"),
      startPeriodSeconds: z.int().min(0).max(3600).default(60).describe("Start-up time during which failures do not count"),
    })
    .describe("How Docker tells that the container works"),
  volumes: z
    .array(
      z.strictObject({
        name: z
          .string()
          .regex(/^[a-z0-9][a-z0-9_.-]*$/, { error: "expected a volume name" })
          .superRefine(checkedBy(dockerNameProblem))
          .describe("Docker volume, created once and kept"),
        containerPath: z
          .string()
          .regex(/^\/\S*$/, { error: "expected an absolute path" })
          .superRefine(checkedBy((path) => containerPathProblem(path) ?? runtimeMountProblem(path)))
          .describe("Where it is mounted in the container"),
      }),
    )
    .default([])
    .describe("Named volumes for the container's persistent data"),
  readOnlyRootFilesystem: z
    .strictObject({
      enabled: z
        .boolean()
        .default(true)
        .describe("Mount the container's root filesystem read-only: it writes only to its volumes and tmpfs mounts"),
      reason: z
        .string()
        .min(20)
        .nullable()
        .default(null)
        .describe("Required when enabled is false: what the image writes outside its volumes and tmpfs mounts, and why it cannot be moved there (at least 20 characters)"),
    })
    .prefault({})
    .superRefine(requireReason)
    .describe("A read-only root filesystem, as the ECS containers have (policy CKV_AWS_336)"),
  tmpfs: z
    .array(
      z.strictObject({
        containerPath: z
          .string()
          .regex(/^(\/[A-Za-z0-9._-]+)+$/, { error: "expected an absolute path of letters, digits, '.', '_' and '-', such as /tmp" })
          .superRefine(checkedBy((path) => tmpfsPathProblem(path) ?? runtimeMountProblem(path)))
          .describe("Directory the tmpfs is mounted on"),
        sizeMb: z.int().min(1).max(65536).describe("Most it holds, in MiB; counted against memoryMb"),
      }),
    )
    .default([{ containerPath: "/tmp", sizeMb: 64 }])
    .describe("Writable in-memory directories (rw, noexec, nosuid, nodev), emptied when the container stops"),
  capabilities: z
    .array(z.enum(DOCKER_DEFAULT_CAPABILITIES))
    .default([])
    .describe("Linux capabilities the container keeps, from Docker's default set; it drops every other one, and no-new-privileges keeps setuid files from granting more"),
  ports: z
    .array(
      z.strictObject({
        internal: port().describe("Container port"),
        external: z.literal([80, 443]).describe("Host port: 80 or 443, the only ones the host opens"),
      }),
    )
    .default([])
    .describe("Ports published on the host"),
  logMaxSizeMb: z.int().min(1).max(1024).default(10).describe("Size at which json-file logs rotate"),
  logMaxFiles: z.int().min(1).max(100).default(3).describe("Rotated log files kept"),
}).superRefine((c, ctx) => {
  // Docker refuses two mounts on one path ("Duplicate mount point"), volumes and tmpfs alike.
  const mounts = [...c.volumes.map((_, i) => ["volumes", i] as const), ...c.tmpfs.map((_, i) => ["tmpfs", i] as const)];
  const paths = [...c.volumes, ...c.tmpfs].map((m) => m.containerPath);
  for (const [i, first] of duplicateMounts(paths)) {
    const [kind, index] = mounts[first];
    ctx.addIssue({ code: "custom", path: [...mounts[i], "containerPath"], message: `expected a path not already mounted by ${kind}[${index}]: Docker refuses a duplicate mount point` });
  }
  const health = healthcheckProblem(c.healthcheck.test);
  if (health) ctx.addIssue({ code: "custom", path: ["healthcheck", "test", ...(health.index === undefined ? [] : [health.index])], message: health.message });
  for (const [name, value] of Object.entries(c.env)) {
    const problem = environmentProblem(name, value);
    if (problem) ctx.addIssue({ code: "custom", path: ["env", name], message: problem });
  }
  const tmpfsMb = c.tmpfs.reduce((sum, t) => sum + t.sizeMb, 0);
  if (c.tmpfs.length > 0 && tmpfsMb >= c.memoryMb) {
    ctx.addIssue({ code: "custom", path: ["tmpfs"], message: `expected tmpfs sizes (${tmpfsMb} MiB in all) below memoryMb (${c.memoryMb}): their contents are the container's memory` });
  }
});

export const DEFAULT_CONTAINERS = {
  elastic: {
    // The seed ran t0t0/docker-alpine-elasticsearch:latest, unmaintained since 2016; the official image, pinned.
    image: "elasticsearch:8.17.0",
    hostname: "elastic",
    env: {
      SERVICE: "elastic",
      PROJECT: "stage",
      ENVIRONMENT: "operations",
      "discovery.type": "single-node",
      ES_JAVA_OPTS: "-Xms512m -Xmx512m",
    },
    memoryMb: 1536,
    healthcheck: {
      // Any HTTP answer counts: with security on by default, Elasticsearch answers 401 without credentials.
      test: ["CMD-SHELL", "curl -sk -o /dev/null https://localhost:9200/ || exit 1"],
      startPeriodSeconds: 120,
    },
    volumes: [{ name: "elastic-data", containerPath: "/usr/share/elasticsearch/data" }],
    // Elasticsearch writes its data (the volume), gc logs under logs/, native libraries it then loads from its temp
    // directory under /tmp (so no noexec tmpfs there), and config/: below. It runs as uid 1000 and needs no
    // capability, so it keeps none.
    readOnlyRootFilesystem: {
      enabled: false,
      reason:
        "Elasticsearch writes to its config directory: it rewrites config/elasticsearch.keystore at every start, its first start writes TLS certificates and security settings there, and elasticsearch-reset-password adds a user file there. A volume over config/ would keep an old image's configuration across upgrades.",
    },
    tmpfs: [],
  },
};

const docker = z
  .strictObject({
    network: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, { error: "expected a network name" })
      .refine((name) => !["bridge", "host", "none"].includes(name), {
        error: "expected a network of our own: bridge, host and none are the Docker daemon's",
      })
      .default("app")
      .describe("User-defined bridge network that every container joins"),
    containers: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, { error: "expected a container name" }).superRefine(checkedBy(dockerNameProblem)), container)
      .prefault(DEFAULT_CONTAINERS as never)
      .describe("Containers on the Docker host, by name; a null entry in INFRA_CONFIG removes a default one"),
  })
  .prefault({})
  .superRefine((d, ctx) => {
    const published = new Map<number, string>();
    for (const [name, c] of Object.entries(d.containers)) {
      c.ports.forEach((p, i) => {
        const other = published.get(p.external);
        if (other) {
          ctx.addIssue({
            code: "custom",
            path: ["containers", name, "ports", i, "external"],
            message: `expected a host port not already published by ${other}`,
          });
        }
        published.set(p.external, name);
      });
    }
  })
  .describe("What the DockerStack runs on the Docker host");

export const DEFAULT_CLUSTERS = {
  a: { name: "berlin", capacity: { type: "instance", dataVolume: {} } },
  b: { name: "munich", capacity: { type: "autoScaling" } },
};

export const DEFAULT_SERVICES = {
  web: {
    cluster: "a",
    taskDefinition: "task-definitions/webtask.json",
    loadBalancer: { container: "webtask", containerPort: 1337 },
  },
  db: {
    cluster: "a",
    taskDefinition: "task-definitions/dbtask.json",
    // One writer on the data volume: stop the old task before the new one starts.
    minimumHealthyPercent: 0,
    maximumPercent: 100,
    volumes: [{ name: "persistent_data", hostPath: "/data/db" }],
    loadBalancer: { container: "dbtask", containerPort: 1337, internal: true },
  },
  api: {
    cluster: "b",
    taskDefinition: "task-definitions/apitask.json",
    loadBalancer: { container: "apitask", containerPort: 1337 },
    autoScaling: { minCount: 1, maxCount: 4 },
  },
  bot: { cluster: "b", taskDefinition: "task-definitions/bottask.json" },
};

export const settingsSchema = z
  .strictObject({
    project: z
      .string()
      .regex(NAME, { error: "expected lower-case letters, digits and hyphens" })
      .max(12)
      .default("soa")
      .describe("Prefix of resource names (clusters and containers are named by their own settings), and the Project tag"),
    environment: z
      .string()
      .regex(/^[a-z][a-z0-9]{0,7}$/, { error: "expected up to 8 lower-case letters and digits, such as prod" })
      .nullable()
      .default(null)
      .describe("Environment (dev, staging, prod): its own state, resource names (<project>-<environment>-…, <cluster>-<environment>; IAM's, account-wide, <project>-<environment>-<region>-…), certificates (certs/<environment>) and Environment tag; null: the one unnamed environment"),
    region: z
      .string()
      .superRefine(checkedBy(regionProblem))
      .default("us-west-1")
      .describe("AWS region; credentials come from the standard AWS chain, never from settings"),
    state,
    network,
    certificateArn: arn("acm", "certificate/[0-9a-f-]{36}", "arn:aws:acm:us-west-1:123456789012:certificate/0f0e0d0c-…")
      .nullable()
      .default(null)
      .describe("ACM certificate of the load balancers: HTTPS on 443 (TLS 1.2 or later), HTTP on 80 redirected to it; null: plain HTTP, with plainHttp.reason"),
    plainHttp: z
      .strictObject({
        reason: z
          .string()
          .min(20)
          .nullable()
          .default(PLAIN_HTTP_REASON)
          .describe(
            "Required while certificateArn is null: why the load balancers serve plain HTTP (at least 20 characters); it becomes the suppression of policy rules CKV_AWS_2, CKV_AWS_103 and CKV2_AWS_20. Unused with a certificate",
          ),
      })
      .prefault({})
      .describe("Plain HTTP on the load balancers, when there is no certificate"),
    registryCredentialsSecretArn: arn(
      "secretsmanager",
      "secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}",
      "arn:aws:secretsmanager:us-west-1:123456789012:secret:registry-AbCdEf (the full ARN, with the 6-character suffix)",
    )
      .nullable()
      .default(null)
      .describe("Secrets Manager secret with private registry credentials, used as repositoryCredentials (its full ARN)"),
    registryCredentialsKmsKeyArn: arn(
      "kms",
      "key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})",
      `arn:aws:kms:us-west-1:123456789012:key/1234abcd-… or …:key/mrk-… (${AWS_RULES.kmsKeyArn.rule})`,
    )
      .nullable()
      .default(null)
      .describe("Customer-managed KMS key that encrypts that secret; null: the AWS-managed key"),
    logRetentionDays: z
      .literal(CLOUDWATCH_RETENTION_DAYS)
      .default(30)
      .describe("Retention of the containers' CloudWatch log groups and of the VPC flow logs"),
    backups: z
      .strictObject({
        enabled: z.boolean().default(true).describe("AWS Backup of every data volume"),
        reason: offReason("CKV2_AWS_9"),
        schedule: z
          .string()
          .regex(/^cron\([^()]+\)$/, { error: `expected an AWS Backup cron expression such as cron(0 3 * * ? *): ${AWS_RULES.backupSchedule.rule}` })
          // The fields and the frequency, once the shape is right: a malformed one is reported once, above.
          .superRefine(checkedBy((schedule) => (/^cron\([^()]+\)$/.test(schedule) ? backupScheduleProblem(schedule) : undefined)))
          .default("cron(0 3 * * ? *)")
          .describe("When recovery points are made (UTC), as an AWS Backup cron expression, at most hourly"),
        retentionDays: z.int().min(1).max(36500).default(35).describe("Days each recovery point is kept"),
        lock: backupLock,
      })
      .prefault({})
      .superRefine((backups, ctx) => {
        requireReason(backups, ctx);
        const { lock } = backups;
        if (backups.enabled && lock.enabled && lock.minRetentionDays !== null && lock.minRetentionDays > backups.retentionDays) {
          ctx.addIssue({
            code: "custom",
            path: ["lock", "minRetentionDays"],
            message: `expected at most backups.retentionDays (${backups.retentionDays}): the vault lock would fail every backup job, as each keeps its recovery point shorter than the lock's minimum`,
          });
        }
      })
      .describe("Backups of the ECS data volume and the Docker host's data volume"),
    accessLogs: z
      .strictObject({
        enabled: z.boolean().default(true).describe("Access logs of every load balancer to an S3 bucket the stack creates"),
        expirationDays: z.int().min(1).max(36500).default(90).describe("Days an access log object is kept"),
        reason: offReason("CKV_AWS_91"),
      })
      .prefault({})
      .superRefine(requireReason)
      .describe("Load balancer access logs"),
    clusters: z
      .record(z.string().regex(/^[a-z][a-z0-9]{0,15}$/, { error: "expected a short lower-case key" }), cluster)
      .prefault(DEFAULT_CLUSTERS as never)
      .describe("ECS clusters by key; a null entry in INFRA_CONFIG removes a default cluster"),
    services: z
      // 19 characters at most: with a 12-character project, "<project>-<service>" fits a load balancer's 32.
      .record(z.string().regex(/^[a-z]([a-z0-9-]{0,17}[a-z0-9])?$/, { error: "expected a short lower-case key" }), service)
      .prefault(DEFAULT_SERVICES as never)
      .describe("ECS services by key; a null entry in INFRA_CONFIG removes a default service"),
    dockerHost,
    docker,
  })
  .superRefine((settings, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    settings.network.availabilityZones?.forEach((zone, i) => {
      if (!zone.startsWith(settings.region) || !/^[a-z]$/.test(zone.slice(settings.region.length))) {
        issue(["network", "availabilityZones", i], `expected a zone of ${settings.region}, such as ${settings.region}a`);
      }
    });
    if (settings.certificateArn && arnRegion(settings.certificateArn) !== settings.region) {
      issue(["certificateArn"], `expected a certificate in ${settings.region}: ${AWS_RULES.certificateRegion.rule}`);
    }
    const balanced = Object.keys(settings.services).find((key) => settings.services[key].loadBalancer);
    if (!settings.certificateArn && !settings.plainHttp.reason && balanced) {
      issue(
        ["plainHttp", "reason"],
        `expected a reason of at least 20 characters while certificateArn is null, for services.${balanced}.loadBalancer would serve plain HTTP; or set certificateArn to an ACM certificate for HTTPS`,
      );
    }
    if (settings.registryCredentialsKmsKeyArn && !settings.registryCredentialsSecretArn) {
      issue(["registryCredentialsKmsKeyArn"], "expected only with registryCredentialsSecretArn, the secret it decrypts");
    }
    for (const problem of generatedNameProblems(settings)) issue(problem.path, problem.message);
    for (const problem of derivedLimitProblems(settings)) issue(problem.path, problem.message);
    const clusterNames = new Map<string, string>();
    for (const [key, c] of Object.entries(settings.clusters)) {
      const clash = clusterNames.get(c.name);
      if (clash) {
        ctx.addIssue({ code: "custom", path: ["clusters", key, "name"], message: `expected a name not used by clusters.${clash}` });
      }
      clusterNames.set(c.name, key);
    }
    for (const [key, svc] of Object.entries(settings.services)) {
      const owner = own(settings.clusters, svc.cluster);
      if (!owner) {
        ctx.addIssue({
          code: "custom",
          path: ["services", key, "cluster"],
          message: `expected one of the cluster keys: ${Object.keys(settings.clusters).join(", ") || "(none)"}`,
        });
        continue;
      }
      const mount = owner.capacity.type === "instance" ? owner.capacity.dataVolume?.mountPoint : undefined;
      svc.volumes.forEach((volume, i) => {
        if (!mount || !volume.hostPath.startsWith(`${mount}/`)) {
          ctx.addIssue({
            code: "custom",
            path: ["services", key, "volumes", i, "hostPath"],
            message: mount
              ? `expected a path under the data volume of clusters.${svc.cluster} (${mount}/…)`
              : `expected no host volume: clusters.${svc.cluster} has no data volume to keep it on`,
          });
        }
      });
    }
  });

/**
 * The AWS names the stacks make from settings, each held to its rule (AWS_RULES): the project prefix and the
 * keys are short and plain by their own patterns, but some combinations AWS refuses.
 */
function generatedNameProblems(s: {
  project: string;
  environment: string | null;
  region: string;
  clusters: Record<string, { name: string; capacity: { type: string } }>;
  services: Record<string, unknown>;
}): { path: PropertyKey[]; message: string }[] {
  const problems: { path: PropertyKey[]; message: string }[] = [];
  const prefix = s.environment ? `${s.project}-${s.environment}-` : `${s.project}-`;
  if (prefix.toLowerCase().startsWith("sg-")) {
    problems.push({ path: ["project"], message: `expected a project that does not make security group names begin with "sg-": ${AWS_RULES.securityGroupName.rule}` });
  }
  if (`${prefix}x`.startsWith("internal-")) {
    problems.push({ path: ["project"], message: `expected a project that does not make load balancer names begin with "internal-": ${AWS_RULES.loadBalancerName.rule}` });
  }
  // IAM names are account-wide, so they carry the region too (constructs/iam.ts).
  if (`${prefix}${s.region}-ecs-task-execution`.length > 64) {
    problems.push({ path: ["project"], message: `expected a shorter project: ${AWS_RULES.iamRoleName.rule}` });
  }
  for (const [key, cluster] of Object.entries(s.clusters)) {
    const name = `${prefix}${cluster.name}`;
    if (cluster.capacity.type !== "autoScaling") continue;
    if (/^(aws|ecs|fargate)/i.test(name)) {
      problems.push({ path: ["project"], message: `expected a project that does not make capacity provider names begin with aws, ecs or fargate (${name}): ${AWS_RULES.capacityProviderName.source}` });
    }
    if (name.length > 128) {
      problems.push({ path: ["clusters", key, "name"], message: `expected at most ${128 - prefix.length} characters: ${AWS_RULES.launchTemplateName.rule}` });
    }
  }
  for (const key of Object.keys(s.services)) {
    if (`${prefix}${key}`.length > 32) {
      problems.push({ path: ["services", key], message: `expected a key of at most ${32 - prefix.length} characters: ${AWS_RULES.loadBalancerName.rule}` });
    }
  }
  return problems;
}

/**
 * The names and ranges AWS derives from several settings together (settings/load.ts ecsClusterName, the stacks'
 * `<prefix>-…` names), held to their rules: each problem names the settings that make up the value.
 */
function derivedLimitProblems(s: {
  project: string;
  environment: string | null;
  network: { publicSubnetCidrs: string[] };
  accessLogs: { enabled: boolean };
  clusters: Record<string, { name: string; capacity: { type: string; dataVolume?: unknown } }>;
  services: Record<string, { loadBalancer: unknown }>;
}): { path: PropertyKey[]; message: string }[] {
  const problems: { path: PropertyKey[]; message: string }[] = [];
  const prefix = s.environment ? `${s.project}-${s.environment}` : s.project;
  for (const [key, cluster] of Object.entries(s.clusters)) {
    const at = ["clusters", key, "name"];
    if (s.environment && `${cluster.name}-${s.environment}`.length > 255) {
      const length = cluster.name.length + 1 + s.environment.length;
      problems.push({ path: at, message: `expected at most ${254 - s.environment.length} characters: the ECS cluster name <clusters.${key}.name>-<environment> would have ${length}; ${AWS_RULES.ecsClusterName.rule}` });
    }
    // The instance, and its data volume, carry the Name tag <prefix>-<cluster name>[-data] (constructs/ecs-cluster.ts).
    const suffix = cluster.capacity.type === "instance" && cluster.capacity.dataVolume ? "-data" : "";
    const tag = `${prefix}-${cluster.name}${suffix}`;
    if ([...tag].length > 256) {
      problems.push({ path: at, message: `expected at most ${255 - prefix.length - suffix.length} characters: the Name tag <project>${s.environment ? "-<environment>" : ""}-<clusters.${key}.name>${suffix} would have ${tag.length}; ${AWS_RULES.nameTag.rule}` });
    }
  }
  const balanced = Object.keys(s.services).find((key) => s.services[key].loadBalancer);
  if (!balanced) return problems;
  if (s.accessLogs.enabled) {
    // constructs/access-log-bucket.ts: bucketPrefix `<prefix>-lb-logs-`.
    const problem = bucketPrefixProblem(`${prefix}-lb-logs-`);
    if (problem) problems.push({ path: ["project"], message: `${problem} (the access log bucket's name begins with ${prefix}-lb-logs-, from project and environment)` });
  }
  s.network.publicSubnetCidrs.forEach((subnet, i) => {
    if (CIDR_SYNTAX.test(subnet) && parseCidr(subnet).prefix > 27) {
      problems.push({ path: ["network", "publicSubnetCidrs", i], message: `expected a /27 or larger block for the load balancer of services.${balanced}: ${AWS_RULES.albSubnetSize.rule}` });
    }
  });
  return problems;
}

export type Settings = z.output<typeof settingsSchema>;
export type ClusterSettings = Settings["clusters"][string];
export type ServiceSettings = Settings["services"][string];
export type AutoScalingCapacity = z.output<typeof autoScalingCapacity>;
export type DataVolumeSettings = z.output<typeof dataVolume>;
export type PatchingSettings = z.output<typeof patching>;
export type DockerHostSettings = z.output<typeof dockerHost>;
export type BackupLockSettings = z.output<typeof backupLock>;

