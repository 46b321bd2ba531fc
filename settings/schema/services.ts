// The ECS services: their tasks, scaling and host volumes, the registry credentials their tasks pull with, and the
// load balancers in front of them (certificate, plain HTTP, access logs).
import { z } from "zod";
import { AWS_RULES, hostPathProblem } from "../aws-rules";
import { arn, checkedBy, offReason, port, requireReason } from "./common";

/** Why the built-in settings serve plain HTTP: they have no certificate to offer. */
export const PLAIN_HTTP_REASON = "The built-in settings are for trying the stack out: set certificateArn before it carries real traffic.";

export const certificateArn = arn("acm", "certificate/[0-9a-f-]{36}", "arn:aws:acm:us-west-1:123456789012:certificate/0f0e0d0c-…")
  .nullable()
  .default(null)
  .describe("ACM certificate of the load balancers: HTTPS on 443 (TLS 1.2 or later), HTTP on 80 redirected to it; null: plain HTTP, with plainHttp.reason");

export const plainHttp = z
  .strictObject({
    reason: z
      .string()
      .min(20)
      .max(500)
      .nullable()
      .default(PLAIN_HTTP_REASON)
      .describe(
        "Required while certificateArn is null: why the load balancers serve plain HTTP (20 to 500 characters); it becomes the suppression of policy rules CKV_AWS_2, CKV_AWS_103 and CKV2_AWS_20. Unused with a certificate",
      ),
  })
  .prefault({})
  .describe("Plain HTTP on the load balancers, when there is no certificate");

export const accessLogs = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Access logs of every load balancer to an S3 bucket the stack creates"),
    expirationDays: z.int().min(1).max(36500).default(90).describe("Days an access log object is kept"),
    reason: offReason("CKV_AWS_91"),
  })
  .prefault({})
  .superRefine(requireReason)
  .describe("Load balancer access logs");

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

export const registryCredentialsSecretArn = arn(
  "secretsmanager",
  "secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}",
  "arn:aws:secretsmanager:us-west-1:123456789012:secret:registry-AbCdEf (the full ARN, with the 6-character suffix)",
)
  .nullable()
  .default(null)
  .describe("Secrets Manager secret with private registry credentials, used as repositoryCredentials (its full ARN)");

export const registryCredentialsKmsKeyArn = arn(
  "kms",
  "key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})",
  `arn:aws:kms:us-west-1:123456789012:key/1234abcd-… or …:key/mrk-… (${AWS_RULES.kmsKeyArn.rule})`,
)
  .nullable()
  .default(null)
  .describe("Customer-managed KMS key that encrypts that secret; null: the AWS-managed key");

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
      .record(z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, { error: "expected a container name" }), z.string().min(20).max(500))
      .default({})
      .describe("Containers of the task definition that may write to their root filesystem, each with why (20 to 500 characters); the reason becomes the suppression of policy rule CKV_AWS_336 for that container alone"),
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

export const services = z
  // 19 characters at most: with a 12-character project, "<project>-<service>" fits a load balancer's 32.
  .record(z.string().regex(/^[a-z]([a-z0-9-]{0,17}[a-z0-9])?$/, { error: "expected a short lower-case key" }), service)
  .prefault(DEFAULT_SERVICES as never)
  .describe("ECS services by key; a null entry in INFRA_CONFIG removes a default service");
