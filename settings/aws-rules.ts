// What AWS and Docker refuse, checked at synth so that a bad setting stops before Terraform runs, instead of at
// plan or apply with part of the stack already built. One table, each rule with where AWS states it; the README
// shows it (`npm run docs`).

export interface AwsRule {
  /** What is required. */
  readonly rule: string;
  /** Where AWS (or Docker) states it. */
  readonly source: string;
}

export const AWS_RULES = {
  region: {
    rule: "A region of AWS's commercial partition (`aws`): its ARNs (`arn:aws:`) and DNS suffix (`amazonaws.com`) are the ones the stacks write",
    source: "AWS SDK for JavaScript, partitions data (@aws-sdk/core)",
  },
  vpcPrefix: {
    rule: "VPC and subnet CIDR blocks have a prefix from /16 to /28",
    source: "Amazon VPC User Guide, VPC CIDR blocks; Subnet CIDR blocks",
  },
  zones: {
    rule: "One subnet per Availability Zone, each zone of the stack's region, and no more subnets than the region has zones",
    source: "ELB API Reference, CreateLoadBalancer (Subnets: one per Availability Zone)",
  },
  duplicateRule: {
    rule: "No two identical rules in a security group (the same admin CIDR twice)",
    source: "Amazon EC2 API error InvalidPermission.Duplicate",
  },
  architecture: {
    rule: "An instance type of the AMI's architecture: Graviton families (a1, t4g, m7g, c7gn, …) are arm64, the others x86_64",
    source: "Amazon EC2 User Guide, instance types (Graviton: arm64)",
  },
  certificateRegion: {
    rule: "The ACM certificate of an HTTPS listener is in the load balancer's region",
    source: "ELB User Guide, SSL certificates for your Application Load Balancer",
  },
  secretArn: {
    rule: "The registry secret is named by its full ARN, with the 6-character suffix Secrets Manager adds: an IAM policy on a partial ARN never matches",
    source: "Secrets Manager User Guide, Resource: secret ARN in IAM policies",
  },
  capacityProviderName: {
    rule: "Capacity provider names (`<project>-<cluster name>`) do not begin with `aws`, `ecs` or `fargate`, and have at most 255 characters",
    source: "Amazon ECS API Reference, CreateCapacityProvider",
  },
  loadBalancerName: {
    rule: "Load balancer and target group names (`<project>-<service>`) have at most 32 characters, letters, digits and hyphens, and do not begin with `internal-`",
    source: "ELB API Reference, CreateLoadBalancer and CreateTargetGroup (Name)",
  },
  launchTemplateName: {
    rule: "Launch template names (`<project>-<cluster name>`) have 3 to 128 characters",
    source: "Amazon EC2 API Reference, CreateLaunchTemplate (LaunchTemplateName)",
  },
  securityGroupName: {
    rule: "Security group names (`<project>-…`) do not begin with `sg-`",
    source: "Amazon EC2 API Reference, CreateSecurityGroup (GroupName)",
  },
  iamRoleName: {
    rule: "IAM role names (`<project>-ecs-task-execution`, …) have at most 64 characters",
    source: "IAM User Guide, IAM object quotas (role name length)",
  },
  dockerNetwork: {
    rule: "The Docker network is not one of the daemon's own: `bridge`, `host`, `none`",
    source: "Docker Engine, networking (predefined networks)",
  },
  taskMemory: {
    rule: "A container's memory and memoryReservation are at least 6 MiB",
    source: "Amazon ECS Developer Guide, task definition parameters (memory)",
  },
  portProtocol: {
    rule: "A port mapping's protocol is `tcp` or `udp`",
    source: "Amazon ECS API Reference, PortMapping (protocol)",
  },
  essential: {
    rule: "A task definition has at least one essential container",
    source: "Amazon ECS Developer Guide, task definition parameters (essential)",
  },
  dynamicHostPort: {
    rule: "A load-balanced container's port has no fixed host port: the instances admit only the dynamic range 32768–65535 from the load balancers",
    source: "Amazon ECS Developer Guide, PortMapping (hostPort, dynamic port mapping)",
  },
  paths: {
    rule: "Mount points and host paths are absolute and normalized (no `.` or `..` segments), and are not system directories",
    source: "Docker and ECS bind mounts: a host path reaches whatever it names",
  },
} as const satisfies Record<string, AwsRule>;

/** The regions of the `aws` partition, as the AWS SDK lists them (a test compares it with the installed SDK). */
export const AWS_REGIONS = [
  "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
  "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
  "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
  "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
  "me-west-1", "mx-central-1", "sa-east-1", "sa-west-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
] as const;

/** Partitions this project does not deploy to, by their region names (the SDK's regionRegex). */
const OTHER_PARTITIONS: [RegExp, string][] = [
  [/^cn-/, "aws-cn"],
  [/^us-gov-/, "aws-us-gov"],
  [/^us-iso-/, "aws-iso"],
  [/^us-isob-/, "aws-iso-b"],
  [/^us-isof-/, "aws-iso-f"],
  [/^eu-isoe-/, "aws-iso-e"],
  [/^eusc-/, "aws-eusc"],
];

/** Why `region` is not one to deploy to, or undefined when it is. */
export function regionProblem(region: string): string | undefined {
  if ((AWS_REGIONS as readonly string[]).includes(region)) return undefined;
  const other = OTHER_PARTITIONS.find(([pattern]) => pattern.test(region));
  if (other) return `expected a region of the aws partition: ${region} is in ${other[1]}, whose ARNs and endpoints this project does not write`;
  return `expected an AWS region such as us-west-1 (one of ${AWS_REGIONS.length} in the aws partition)`;
}

/** The CPU architecture of an EC2 instance type: Graviton families (a1, and a `g` after the generation) are arm64. */
export function architectureOf(instanceType: string): "arm64" | "x86_64" {
  const family = instanceType.split(".")[0];
  return family === "a1" || /^[a-z]+\d+[a-z]*g[a-z]*$/.test(family) ? "arm64" : "x86_64";
}

/** Directories a host volume or mount point must never be, or lie under (host side). */
export const SYSTEM_DIRECTORIES = [
  "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/root", "/run", "/sbin", "/sys", "/tmp", "/usr", "/var",
];

/** Why an absolute path is not normalized (`.`, `..`, empty segments), or undefined when it is. */
export function pathProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return "expected an absolute path";
  const segments = path.split("/").slice(1);
  if (path !== "/" && segments.some((s) => s === "" || s === "." || s === "..")) {
    return "expected a normalized absolute path, without '.', '..' or empty segments";
  }
  return undefined;
}

/** Why a path inside a container must not be mounted over, or undefined: the container's own system directories. */
export function containerPathProblem(path: string): string | undefined {
  const problem = pathProblem(path);
  if (problem) return problem;
  const system = ["/", ...SYSTEM_DIRECTORIES.filter((d) => d !== "/tmp" && d !== "/var"), "/var/run", "/var/lib/docker"];
  return system.includes(path) ? `expected a data directory, not the container's system directory ${path}` : undefined;
}

/** Why a directory on the host may not hold a volume, or undefined: it must not be or lie under a system directory. */
export function hostPathProblem(path: string): string | undefined {
  const problem = pathProblem(path);
  if (problem) return problem;
  const system = SYSTEM_DIRECTORIES.find((d) => path === d || path.startsWith(`${d}/`));
  return path === "/" || system ? `expected a data directory, not the host's system directory ${system ?? "/"}` : undefined;
}

/**
 * Regions opened before August 2022, where Elastic Load Balancing delivers access logs from an account of its
 * own (the provider's aws_elb_service_account knows it); later regions deliver through the service principal
 * logdelivery.elasticloadbalancing.amazonaws.com (ELB User Guide, Enable access logs: bucket policy).
 */
export const ELB_ACCOUNT_REGIONS: readonly string[] = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-southeast-3", "ap-south-1",
  "ap-northeast-3", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ca-central-1",
  "eu-central-1", "eu-west-1", "eu-west-2", "eu-south-1", "eu-west-3", "eu-north-1", "me-south-1", "sa-east-1",
];
