// The building blocks the settings' domains share: names, checks, addresses, ARNs, and the parts of an EC2 instance
// (type, architecture, a persistent volume) that both the ECS clusters and the Docker host have.
import { z } from "zod";
import { isNetworkAddress } from "../cidr";
import { architectureOf } from "../aws-rules";

export const NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
export const CIDR_SYNTAX = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;
/** An IPv4 address in dotted decimal without leading zeros, as a JSON Schema pattern's part. */
export const IPV4_ADDRESS_PATTERN = "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";

/** Why a safeguard is off: the policy rule it satisfies is then suppressed with this reason, shown in reviews. */
export const offReason = (rule: string | null) =>
  z
    .string()
    .min(20)
    .max(500)
    .nullable()
    .default(null)
    .describe(
      `Required when enabled is false: why (20 to 500 characters); ${rule ? `it becomes the suppression of policy rule ${rule}` : "every synthesis shows it as a warning"}`,
    );
export function requireReason(value: { enabled: boolean; reason: string | null }, ctx: z.RefinementCtx<unknown>): void {
  if (!value.enabled && !value.reason) {
    ctx.addIssue({ code: "custom", path: ["reason"], message: "expected a reason of at least 20 characters for turning this off" });
  }
}

/** A string check whose problem text comes from a function (undefined: fine). */
export const checkedBy =
  (problem: (value: string) => string | undefined) =>
  (value: string, ctx: z.RefinementCtx<string>): void => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: "custom", message });
  };
export const port = () => z.int().min(1).max(65535);
export const cidr = () =>
  z
    .cidrv4({ error: "expected an IPv4 CIDR block such as 10.0.0.0/16" })
    // Only once the block parses: a malformed one is reported once, by the check above.
    .refine((block) => !CIDR_SYNTAX.test(block) || isNetworkAddress(block), {
      error: "expected the network address of the block (no bits set after the prefix)",
    });
/** An ARN of the aws partition; `resource` is the pattern of its last part. */
export const arn = (service: string, resource: string, example: string) =>
  z
    .string()
    .regex(new RegExp(`^arn:aws:${service}:[a-z0-9-]+:\\d{12}:${resource}$`), {
      error: `expected an ARN like ${example}`,
    });
/** The region part of an ARN. */
export const arnRegion = (value: string) => value.split(":")[3];

export const instanceType = () =>
  z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "expected an EC2 instance type such as t3.small" });

/** The instance type's architecture must be the AMI's. */
export function checkArchitecture(
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

/** An EBS volume that outlives the instances it is attached to: an existing one, or one the stack creates. */
export const volumeFields = (defaults: { sizeGiB: number; device: string }) => ({
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
