// The one place every setting is declared: its type, its default and what it means, each domain in its own file.
// The settings table in docs/settings.md is generated from these descriptions (`npm run docs`).
import { z } from "zod";
import { parseCidr } from "../cidr";
import { bucketPrefixProblem } from "../s3-names";
import { AWS_REGIONS, AWS_RULES, regionProblem } from "../aws-rules";
import { listed } from "../errors";
import { own } from "../json-file";
import { CIDR_SYNTAX, NAME, arnRegion, checkedBy } from "./common";
import { state } from "./state";
import { ZONE_NAME, network } from "./network";
import { type backupLock, backups } from "./backups";
import { type autoScalingCapacity, clusters, type dataVolume, type patching } from "./clusters";
import { accessLogs, certificateArn, plainHttp, registryCredentialsKmsKeyArn, registryCredentialsSecretArn, services } from "./services";
import { dockerHost } from "./docker-host";
import { docker } from "./docker";

/** The resources an AWS Backup selection may name by ARN (BackupSelection, Resources). */
const BACKUP_SELECTION_ARNS = 500;

export { DEFAULT_CLUSTERS } from "./clusters";
export { DEFAULT_SERVICES, PLAIN_HTTP_REASON } from "./services";
export { DEFAULT_CONTAINERS } from "./docker";

const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

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
      .regex(/^[a-z][a-z0-9]{0,7}$/, { error: "expected a lower-case letter, then up to 7 more lower-case letters and digits, such as prod" })
      .nullable()
      .default(null)
      .describe("Environment (dev, staging, prod; a lower-case letter, then up to 7 lower-case letters and digits): its own state, resource names (<project>-<environment>-…, <cluster>-<environment>; IAM's, account-wide, <project>-<environment>-<region>-…), certificates (certs/<environment>) and Environment tag; null: the one unnamed environment"),
    region: z
      .string()
      .superRefine(checkedBy(regionProblem))
      .meta({ enum: [...AWS_REGIONS] })
      .default("us-west-1")
      .describe("AWS region; credentials come from the standard AWS chain, never from settings"),
    state,
    network,
    certificateArn,
    plainHttp,
    registryCredentialsSecretArn,
    registryCredentialsKmsKeyArn,
    logRetentionDays: z
      .literal(CLOUDWATCH_RETENTION_DAYS)
      .default(30)
      .describe("Retention of the containers' CloudWatch log groups and of the VPC flow logs"),
    backups,
    accessLogs,
    clusters,
    services,
    dockerHost,
    docker,
  })
  .superRefine((settings, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    settings.network.availabilityZones?.forEach((zone, i) => {
      // A zone that is no zone name at all is refused as such already.
      if (ZONE_NAME.test(zone) && (!zone.startsWith(settings.region) || !/^[a-z]$/.test(zone.slice(settings.region.length)))) {
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
    // One selection names every data volume by ARN: the Docker host's, and each instance cluster's that has one.
    const dataVolumes = 1 + Object.values(settings.clusters).filter((c) => c.capacity.type === "instance" && c.capacity.dataVolume).length;
    if (settings.backups.enabled && dataVolumes > BACKUP_SELECTION_ARNS) {
      issue(["clusters"], `expected at most ${BACKUP_SELECTION_ARNS - 1} clusters with a data volume while backups are on, not ${dataVolumes - 1}: ${AWS_RULES.backupSelection.rule}`);
    }
    if (settings.registryCredentialsKmsKeyArn && !settings.registryCredentialsSecretArn) {
      issue(["registryCredentialsKmsKeyArn"], "expected only with registryCredentialsSecretArn, the secret it decrypts");
    }
    // Secrets Manager encrypts a secret only with a KMS key of the secret's region: a grant on another would never work.
    const [secret, key] = [settings.registryCredentialsSecretArn, settings.registryCredentialsKmsKeyArn];
    if (secret && key && arnRegion(key) !== arnRegion(secret)) {
      issue(["registryCredentialsKmsKeyArn"], `expected a key in ${arnRegion(secret)}, the secret's region: Secrets Manager encrypts a secret only with a KMS key of its own region`);
    }
    // Names are made of project and environment: with either refused already, what they make says nothing more.
    const refused = new Set(ctx.issues.map((i) => i.path?.[0]));
    if (!refused.has("project") && !refused.has("environment")) {
      for (const problem of generatedNameProblems(settings)) issue(problem.path, problem.message);
      for (const problem of derivedLimitProblems(settings)) issue(problem.path, problem.message);
    }
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
          message: `expected one of the cluster keys: ${listed(Object.keys(settings.clusters), 10, "(none)")}`,
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
  clusters: Record<string, { name: string; capacity: { type: string; patching?: { enabled: boolean } } }>;
  services: Record<string, { loadBalancer: unknown }>;
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
    // An instance cluster's patching names its SSM resources <name>-patching and <name>-install-patches
    // (constructs/patch-schedule.ts); the AWS provider refuses a longer one only at plan, as a bad character.
    const longest = `${name}-install-patches`;
    if (cluster.capacity.type === "instance" && cluster.capacity.patching?.enabled && longest.length > 128) {
      problems.push({ path: ["clusters", key, "name"], message: `expected at most ${128 - prefix.length - "-install-patches".length} characters: ${AWS_RULES.ssmPatchingName.rule}` });
    }
    if (cluster.capacity.type !== "autoScaling") continue;
    if (/^(aws|ecs|fargate)/i.test(name)) {
      problems.push({ path: ["project"], message: `expected a project that does not make capacity provider names begin with aws, ecs or fargate (${name}): ${AWS_RULES.capacityProviderName.source}` });
    }
    // The provider refuses a longer one at plan ("cannot be longer than 125 characters"), though EC2 would take 128.
    if (name.length > 125) {
      problems.push({ path: ["clusters", key, "name"], message: `expected at most ${125 - prefix.length} characters: ${AWS_RULES.launchTemplateName.rule}` });
    }
  }
  for (const [key, service] of Object.entries(s.services)) {
    // Only a service behind a load balancer gets one, and a target group, of its name.
    if (service.loadBalancer && `${prefix}${key}`.length > 32) {
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

