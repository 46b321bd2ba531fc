// The VPC the platform runs in: its address blocks, its zones and its flow logs.
import { z } from "zod";
import { contains, overlaps, unusableRange } from "../cidr";
import { AWS_RULES } from "../aws-rules";
import { CIDR_SYNTAX, IPV4_ADDRESS_PATTERN, cidr, offReason, requireReason } from "./common";

/** A CIDR block AWS accepts for a VPC or a subnet. */
const vpcBlock = () =>
  cidr()
    .refine((block) => !CIDR_SYNTAX.test(block) || (Number(block.split("/")[1]) >= 16 && Number(block.split("/")[1]) <= 28), {
      error: `expected a prefix from /16 to /28 (${AWS_RULES.vpcPrefix.source})`,
    })
    // The same range for editors, in the JSON Schema.
    .meta({ pattern: `^${IPV4_ADDRESS_PATTERN}\\/(1[6-9]|2[0-8])$` });

/** An Availability Zone's name (us-west-1a), which the subnets take; zone IDs (usw1-az1) differ per account. */
export const ZONE_NAME = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;

export const network = z
  .strictObject({
    vpcCidr: vpcBlock().default("10.20.0.0/16").describe("CIDR block of the dedicated VPC"),
    publicSubnetCidrs: z
      .array(vpcBlock())
      .min(2)
      .max(6)
      .default(["10.20.0.0/24", "10.20.1.0/24"])
      .describe("One public subnet per availability zone, inside the VPC; at least two for the load balancers"),
    availabilityZones: z
      .array(z.string().regex(ZONE_NAME, { error: "expected a zone name such as us-west-1a, not a zone ID such as usw1-az1" }))
      .max(6)
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
    const firstUse = new Map<string, number>();
    net.availabilityZones?.forEach((zone, i) => {
      const first = firstUse.get(zone) ?? i;
      firstUse.set(zone, first);
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
