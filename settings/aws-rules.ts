// What AWS and Docker refuse, checked at synth so that a bad setting stops before Terraform runs, instead of at
// plan or apply with part of the stack already built. One table, each rule with where AWS states it;
// docs/settings.md shows it (`npm run docs`).

export interface AwsRule {
  /** What is required. */
  readonly rule: string;
  /** Where AWS (or Docker) states it. */
  readonly source: string;
}

/**
 * Amazon VPC quotas: the inbound rules a security group holds unless its quota is raised (`rules`), and the most
 * that quota times the quota of security groups per network interface may be (`perInterface`).
 */
export const SECURITY_GROUP_QUOTAS = { rules: 60, perInterface: 1000 } as const;

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
    rule:
      "One subnet per Availability Zone, each zone named of the stack's region; which zones the account has there is checked at plan, before anything is created: that it has each named zone (zone names differ between accounts), or, with availabilityZones null, enough zones",
    source: "ELB API Reference, CreateLoadBalancer (Subnets: one per Availability Zone)",
  },
  duplicateRule: {
    rule: "No two identical rules in a security group (the same admin CIDR twice)",
    source: "Amazon EC2 API error InvalidPermission.Duplicate",
  },
  securityGroupRules: {
    rule:
      "A security group holds 60 inbound rules unless its quota is raised, and that quota times the quota of security groups per network interface is at most 1,000: the Docker host's interface has 2 groups (3 with a key pair), so `adminCidrs` holds at most 500 ranges (333 with a key pair); above 60, synth warns",
    source: "Amazon VPC User Guide, Amazon VPC quotas (security groups)",
  },
  volumeNames: {
    rule: "A task definition's volumes have names of their own: a mount point names its volume (sourceVolume) by name",
    source: "Amazon ECS API Reference, Volume (name) and MountPoint (sourceVolume)",
  },
  backupSelection: {
    rule: "An AWS Backup selection names at most 500 resources by ARN: the data volumes of the clusters and the Docker host's, so at most 499 clusters with a data volume while backups are on",
    source: "AWS Backup API Reference, BackupSelection (Resources)",
  },
  bridgePorts: {
    rule: "A Docker bridge network holds at most 1,023 containers (a Linux bridge numbers its ports from 1 to 1,023), and every container of `docker.containers` joins `docker.network`",
    source: "Linux kernel, net/bridge (BR_MAX_PORTS); Docker Engine: exchange full",
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
    rule: "Launch template names (`<project>-<cluster name>`) have 3 to 125 characters: EC2 takes 128, the Terraform AWS provider 125",
    source: "Amazon EC2 API Reference, CreateLaunchTemplate (LaunchTemplateName); the AWS provider's aws_launch_template (name)",
  },
  ssmPatchingName: {
    rule: "The patch baseline and maintenance window, target and task names of an instance cluster's patching (`<project>-<cluster name>-install-patches`, the longest) have 3 to 128 characters",
    source: "AWS Systems Manager API Reference, CreatePatchBaseline, CreateMaintenanceWindow, RegisterTargetWithMaintenanceWindow and RegisterTaskWithMaintenanceWindow (Name)",
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
  fixedHostPort: {
    rule: "A fixed host port (a hostPort other than 0) is mapped once per protocol in a task definition: a task's containers share the instance's ports",
    source: "Docker Engine: port is already allocated",
  },
  dynamicHostPort: {
    rule: "A load-balanced container's port has no fixed host port: the instances admit only the dynamic range 32768–65535 from the load balancers",
    source: "Amazon ECS Developer Guide, PortMapping (hostPort, dynamic port mapping)",
  },
  paths: {
    rule: "Mount points and host paths are absolute and normalized (no `.` or `..` segments), and are not system directories",
    source: "Docker and ECS bind mounts: a host path reaches whatever it names",
  },
  containerName: {
    rule: "Container names have 1 to 255 letters, digits, `_` and `-`, and are unique in their task definition",
    source: "Amazon ECS API Reference, ContainerDefinition (name)",
  },
  ecsInteger: {
    rule: "A container definition's numbers (cpu, memory, ports, health check times, ulimits, sizes) are whole numbers from -2147483648 to 2147483647, the API's Integer",
    source: "Amazon ECS API Reference, ContainerDefinition (data types: Integer)",
  },
  containerCpu: {
    rule: "A container's cpu is from 0 to 262144 CPU units (256 vCPUs; 1024 units are one vCPU)",
    source: "Amazon ECS API Reference, ContainerDefinition (cpu)",
  },
  memoryReservation: {
    rule: "A container's memoryReservation (soft limit) is at most its memory (hard limit)",
    source: "Amazon ECS API Reference, ContainerDefinition (memoryReservation); Docker: Minimum memory limit can not be less than memory reservation limit",
  },
  healthCheck: {
    rule: "A container health check's command begins with `CMD` or `CMD-SHELL`; its interval is 5–300 seconds, timeout 2–60 seconds, retries 1–10, startPeriod 0–300 seconds",
    source: "Amazon ECS API Reference, HealthCheck",
  },
  dependsOn: {
    rule: "A container depends only on another container of its task definition, on condition `START`, `COMPLETE`, `SUCCESS` or `HEALTHY`; `COMPLETE` and `SUCCESS` only on a non-essential container, `HEALTHY` only on one with a health check",
    source: "Amazon ECS API Reference, ContainerDependency",
  },
  logDriver: {
    rule: "A container's log driver is one ECS knows: `json-file`, `syslog`, `journald`, `gelf`, `fluentd`, `awslogs`, `splunk`, `awsfirelens`",
    source: "Amazon ECS API Reference, LogConfiguration (logDriver)",
  },
  ulimits: {
    rule: "A ulimit names a limit ECS knows (`core`, `cpu`, `data`, `fsize`, `locks`, `memlock`, `msgqueue`, `nice`, `nofile`, `nproc`, `rss`, `rtprio`, `rttime`, `sigpending`, `stack`), once per container, with a softLimit at most its hardLimit",
    source: "Amazon ECS API Reference, Ulimit; Docker: ulimit soft limit must be less than or equal to hard limit",
  },
  containersPerTask: {
    rule: "A task definition has at most 10 containers",
    source: "Amazon ECS Developer Guide, service quotas (containers per task definition)",
  },
  taskDefinitionSize: {
    rule: "A task definition is at most 64 KiB: its container definitions and the service's volumes, as compact JSON, at most 63 KiB, leaving 1 KiB for the family and roles the stack adds",
    source: "Amazon ECS Developer Guide, service quotas (task definition size)",
  },
  duplicateMount: {
    rule: "No two mount points or tmpfs mounts of a container on one path",
    source: "Docker Engine: Duplicate mount point (the container is not created)",
  },
  kernelMounts: {
    rule: "No mount point in /proc or /sys, which the container runtime mounts itself (runc admits only a few /proc files, such as /proc/cpuinfo)",
    source: "runc, libcontainer/rootfs_linux.go (checkProcMount)",
  },
  imageLength: {
    rule: "An image reference has at most 255 characters, registry included (with a digest, the part before `@`)",
    source: "Amazon ECS API Reference, ContainerDefinition (image)",
  },
  ecsClusterName: {
    rule: "ECS cluster names (`<cluster name>-<environment>`) have at most 255 letters, digits, `_` and `-`",
    source: "Amazon ECS API Reference, CreateCluster (clusterName)",
  },
  nameTag: {
    rule: "Name tags (`<project>-<environment>-<cluster name>-data`, …) have at most 256 characters",
    source: "Amazon EC2 User Guide, Tag restrictions (tag value: 256 Unicode characters)",
  },
  keyPairName: {
    rule: "Key pair names have 1 to 255 ASCII characters, printable (control characters: our policy) and without leading or trailing spaces",
    source: "Amazon EC2 API Reference, CreateKeyPair (KeyName: up to 255 ASCII characters)",
  },
  dnsName: {
    rule: "DNS names have at most 253 characters (without the final dot), each label 1 to 63",
    source: "Amazon Route 53 Developer Guide, DNS domain name format; RFC 1035 §2.3.4",
  },
  healthCheckPath: {
    rule: "A target group's health check path begins with `/` and has at most 1024 characters",
    source: "ELB API Reference, CreateTargetGroup (HealthCheckPath: 1 to 1024)",
  },
  s3BucketName: {
    rule: "S3 bucket names (the state bucket; `<project>-<environment>-lb-logs-` and the 26 characters the AWS provider appends) have 3 to 63 lower-case letters, digits, `.` and `-`, begin and end with a letter or digit, have no `..`, are not an IP address, and do not begin with `xn--`, `sthree-` or `amzn-s3-demo-` or end with `-s3alias`, `--ol-s3`, `.mrap`, `--x-s3` or `--table-s3`",
    source: "Amazon S3 User Guide, General purpose bucket naming rules",
  },
  s3BackendKey: {
    rule: "The state key (`<state.keyPrefix>/…/<stack>.tfstate`) does not begin or end with `/` and has no `//`",
    source: "Terraform s3 backend, internal/backend/remote-state/s3/validate.go (validateStringS3Path, `//`)",
  },
  backupSchedule: {
    rule: "A backup schedule is `cron(minutes hours day-of-month month day-of-week year)`, each field in its range, `?` in exactly one day field, and at most hourly (one minute of the hour)",
    source: "AWS Backup Developer Guide, Backup frequency (as frequently as hourly); Amazon EventBridge, Cron expressions reference",
  },
  vpcRange: {
    rule: "The VPC is not in 0.0.0.0/8, 127.0.0.0/8 (loopback), 169.254.0.0/16 (link-local), 224.0.0.0/4 (multicast) or 240.0.0.0/4 (reserved): our policy, as AWS publishes no deny-list",
    source: "RFC 6890 special-purpose address blocks (our policy)",
  },
  albSubnetSize: {
    rule: "Subnets of a load balancer are /27 or larger, for at least 8 free addresses once AWS has taken its 5",
    source: "ELB User Guide, Application Load Balancers: subnets (at least a /27 and 8 free IP addresses); Amazon VPC User Guide, Subnet CIDR blocks (5 reserved addresses)",
  },
  kmsKeyArn: {
    rule: "A KMS key ARN names a key by its ID: a UUID, or `mrk-` and 32 hex digits for a multi-Region key",
    source: "AWS KMS Developer Guide, Key identifiers (KeyId); Terraform s3 backend validate.go (multi-Region key IDs)",
  },
  dockerName: {
    rule: "Container and volume names on the Docker host have at least 2 characters (a letter or digit, then letters, digits, `_`, `.`, `-`)",
    source: "moby daemon/names/names.go (RestrictedNamePattern `^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`); daemon/volume/local/local.go",
  },
  dockerMounts: {
    rule: "No two mounts of a container on one path; none under /proc, /sys or /dev, nor on /etc/hosts, /etc/resolv.conf or /etc/hostname, which the runtime and Docker provide",
    source: "moby daemon/volumes.go (Duplicate mount point); runc libcontainer/rootfs_linux.go (checkProcMount); moby container/container_unix.go (NetworkMounts)",
  },
  dockerHealthcheck: {
    rule: "A healthcheck test is `NONE`, `CMD` with a program and non-empty arguments, or `CMD-SHELL` with one command: Docker runs no probe for any other form",
    source: "moby api/swagger.yaml (HealthConfig.Test); daemon/health.go (getProbe)",
  },
  argumentLength: {
    rule: "Each environment variable (`NAME=value`) and healthcheck argument has at most 131072 bytes with its terminating NUL",
    source: "Linux include/uapi/linux/binfmts.h (MAX_ARG_STRLEN); fs/exec.c (E2BIG)",
  },
  imageReference: {
    rule: "An image's repository path (after the registry host; Docker Hub's `library/` counts) has at most 255 characters, its tag at most 128",
    source: "distribution/reference reference.go (RepositoryNameTotalLengthMax) and regexp.go (tag)",
  },
  deletedDirectories: {
    rule: "The local state and certificate directories are not under cdktf.out, the stacks/ of an environment's cdktf.out.<name>, or node_modules",
    source: "cdktf synth (removes non-stack directories in <output>/stacks); npm ci (removes node_modules' contents)",
  },
  certsDirIgnored: {
    rule: "The certificates directory is not the project directory, a package, or a directory git tracks or does not ignore",
    source: "git check-ignore; the CA's private key would be committed",
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
