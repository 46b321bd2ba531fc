// The Docker host: a Flatcar Container Linux instance that serves the Docker API over mutual TLS, with its address,
// its data volume and its automatic updates.
import { z } from "zod";
import { dnsNameProblem, keyPairNameProblem } from "../aws-names";
import { AWS_RULES, SECURITY_GROUP_QUOTAS } from "../aws-rules";
import { CERTS_DIR_PATTERN, certsDirFormatProblem, certsDirProblem } from "../paths-checks";
import { checkArchitecture, checkedBy, cidr, instanceType, port, volumeFields } from "./common";

/** Ports the Docker API may not take (SSH, HTTP, HTTPS): said to editors too, in the JSON Schema. */
const TAKEN_PORTS = [22, 80, 443];

// Flatcar's maintenance window, in the canonical forms locksmith documents; stricter than coreos-cloudinit's own
// patterns, which the cloud-config contract test applies to what we render.
const WINDOW_START = /^((Sun|Mon|Tue|Wed|Thu|Fri|Sat) )?([01][0-9]|2[0-3]):[0-5][0-9]$/;
const WINDOW_LENGTH = /^(?=[1-9])([1-9][0-9]*h)?([1-9][0-9]*m)?$/;

const DNS_NAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const dockerHost = z
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
      // The most any settings may list; with a key pair, 333 (checked below, with the rule).
      .meta({ maxItems: Math.floor(SECURITY_GROUP_QUOTAS.perInterface / 2) })
      .default([])
      .describe(
        "Addresses allowed to reach the Docker API (and SSH with a key pair); empty: nobody. A range of /7 or wider, such as 0.0.0.0/0, warns at synth; so do more than 60, a security group's default quota of inbound rules (at most 500, 333 with a key pair)",
      ),
    apiPort: port()
      .refine((p) => !TAKEN_PORTS.includes(p), { error: "expected a port other than 22, 80 and 443" })
      .meta({ not: { enum: [...TAKEN_PORTS] } })
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
      .regex(CERTS_DIR_PATTERN, { error: (issue) => certsDirFormatProblem(String(issue.input)) })
      // Only once the pattern holds: git is asked about a plain relative path.
      .superRefine(checkedBy((dir) => (CERTS_DIR_PATTERN.test(dir) ? certsDirProblem(dir) : undefined)))
      .default("certs")
      .describe("Where `npm run certs` writes, and deploy reads, the CA and the certificates; with an environment, \"certs\" (the default, written or not) means certs/<environment>"),
  })
  .prefault({})
  .superRefine((host, ctx) => {
    checkArchitecture(host, ctx);
    const most = Math.floor(SECURITY_GROUP_QUOTAS.perInterface / (host.keyPair ? 3 : 2));
    if (host.adminCidrs.length > most) {
      ctx.addIssue({ code: "custom", path: ["adminCidrs"], message: `expected at most ${most} ranges, not ${host.adminCidrs.length}: ${AWS_RULES.securityGroupRules.rule}` });
    }
    // A map, not a search of the list for each block: the time would grow with the square of the list's length.
    const first = new Map<string, number>();
    host.adminCidrs.forEach((block, i) => {
      const earlier = first.get(block);
      if (earlier === undefined) first.set(block, i);
      else ctx.addIssue({ code: "custom", path: ["adminCidrs", i], message: `expected a block not already listed as adminCidrs[${earlier}] (${AWS_RULES.duplicateRule.source})` });
    });
  })
  .describe("The Flatcar Container Linux instance that serves the Docker API over mutual TLS");
