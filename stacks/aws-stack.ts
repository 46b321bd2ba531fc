import { type Construct } from "constructs";
import { Annotations, TerraformOutput, TerraformStack } from "cdktf";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AccessLogBucket } from "../constructs/access-log-bucket";
import { DockerHost } from "../constructs/docker-host";
import { EcsCluster } from "../constructs/ecs-cluster";
import { EcsFirewalls } from "../constructs/ecs-firewalls";
import { EcsService } from "../constructs/ecs-service";
import { InstanceRole, MANAGED_POLICIES, ServiceRole } from "../constructs/iam";
import { Network } from "../constructs/network";
import { VolumeBackups } from "../constructs/volume-backups";
import { type AppSettings, ecsClusterName } from "../settings/load";
import { suppressRule } from "../policy/policy-checks";
import { configureBackend } from "./backend";

/** Application Load Balancers a region takes unless its quota is raised (ELB User Guide, quotas for your Application Load Balancers). */
const LOAD_BALANCERS_QUOTA = 50;

/** Public SSM parameters AWS keeps pointed at the current ECS-optimized Amazon Linux 2023 AMI of each architecture. */
export const ECS_AMI_PARAMETERS = {
  x86_64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
  arm64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
} as const;

export interface AwsStackProps {
  readonly settings: AppSettings;
  /** The project directory as seen from the stack's synthesized directory (state files, certificates). */
  readonly projectDir: string;
  /** That directory, absolute, for the checks made while synthesizing; @default the project */
  readonly projectPath?: string;
}

/** The AWS side: network, IAM, security groups, the ECS clusters and their services, and the Docker host. */
export class AwsStack extends TerraformStack {
  public readonly network: Network;
  public readonly clusters: Record<string, EcsCluster>;
  public readonly services: Record<string, EcsService>;
  public readonly dockerHost: DockerHost;
  /** The bucket of the load balancers' access logs; undefined when they are off or there are none. */
  public readonly accessLogs?: AccessLogBucket;
  /** Backups of the data volumes; undefined when they are off. */
  public readonly backups?: VolumeBackups;

  constructor(scope: Construct, id: string, props: AwsStackProps) {
    super(scope, id);
    const s = props.settings;
    configureBackend(this, s, props.projectDir, props.projectPath);
    const tags = { Project: s.project, ...(s.environment ? { Environment: s.environment } : {}), Stack: id, ManagedBy: "cdktf" };
    // No keys here: the provider takes credentials from the standard chain (environment, profile, SSO, role).
    new AwsProvider(this, "aws", { region: s.region, defaultTags: [{ tags }] });

    // IAM names are account-wide: the region keeps one environment's roles in two regions apart.
    const iamName = `${s.prefix}-${s.region}`;
    this.network = new Network(this, "network", {
      name: s.prefix,
      iamName,
      ...s.network,
      flowLogs: s.network.flowLogs.enabled,
      logRetentionDays: s.logRetentionDays,
    });
    const instanceRole = new InstanceRole(this, "container-instance-role", {
      name: `${iamName}-ecs-instance`,
      managedPolicyArns: [MANAGED_POLICIES.ecsForEc2, MANAGED_POLICIES.ssmCore],
    });
    const secret = s.registryCredentialsSecretArn;
    const executionRole = new ServiceRole(this, "task-execution-role", {
      name: `${iamName}-ecs-task-execution`,
      principal: "ecs-tasks.amazonaws.com",
      managedPolicyArns: [MANAGED_POLICIES.ecsTaskExecution],
      statements: [
        ...(secret ? [{ Effect: "Allow" as const, Action: ["secretsmanager:GetSecretValue"], Resource: [secret] }] : []),
        // A secret under a customer-managed key is readable only with that key.
        ...(s.registryCredentialsKmsKeyArn ? [{ Effect: "Allow" as const, Action: ["kms:Decrypt"], Resource: [s.registryCredentialsKmsKeyArn] }] : []),
      ],
    });
    const firewalls = new EcsFirewalls(this, "firewalls", {
      name: s.prefix,
      vpcId: this.network.vpc.id,
      vpcCidr: s.network.vpcCidr,
      https: Boolean(s.certificateArn),
    });
    // The ECS-optimized AMI of each architecture the clusters use (x86_64 keeps its original id).
    const amis = new Map<string, DataAwsSsmParameter>();
    const amiOf = (architecture: "x86_64" | "arm64") => {
      if (!amis.has(architecture)) {
        const id = architecture === "x86_64" ? "ecs-ami" : `ecs-ami-${architecture}`;
        amis.set(architecture, new DataAwsSsmParameter(this, id, { name: ECS_AMI_PARAMETERS[architecture] }));
      }
      return amis.get(architecture)!.insecureValue;
    };

    this.clusters = mapEntries(s.clusters, (key, cluster) =>
      new EcsCluster(this, `cluster-${key}`, {
        settings: { ...cluster, name: ecsClusterName(s, cluster.name) },
        resourceName: `${s.prefix}-${cluster.name}`,
        imageId: amiOf(cluster.capacity.architecture),
        subnets: this.network.publicSubnets,
        securityGroupIds: [firewalls.containerInstances.group.id],
        instanceProfileName: instanceRole.instanceProfile.name,
        instanceRolePolicies: instanceRole.policies,
        instanceTags: tags,
      }),
    );
    // Access logs of every load balancer, in one bucket of this stack.
    const hasLoadBalancers = Object.values(s.services).some((service) => service.loadBalancer);
    this.accessLogs =
      s.accessLogs.enabled && hasLoadBalancers
        ? new AccessLogBucket(this, "access-logs", { name: s.prefix, region: s.region, expirationDays: s.accessLogs.expirationDays })
        : undefined;
    this.services = mapEntries(s.services, (key, service) =>
      new EcsService(this, `service-${key}`, {
        name: key,
        resourceName: `${s.prefix}-${key}`,
        cluster: this.clusters[service.cluster],
        containerDefinitions: service.containerDefinitions,
        executionRoleArn: executionRole.role.arn,
        executionRolePolicies: executionRole.policies,
        region: s.region,
        logRetentionDays: s.logRetentionDays,
        registryCredentialsSecretArn: secret,
        desiredCount: service.desiredCount,
        minimumHealthyPercent: service.minimumHealthyPercent,
        maximumPercent: service.maximumPercent,
        volumes: service.volumes,
        readonlyRootFilesystemExceptions: service.readonlyRootFilesystemExceptions,
        autoScaling: service.autoScaling,
        loadBalancer: service.loadBalancer && {
          ...service.loadBalancer,
          vpcId: this.network.vpc.id,
          subnetIds: this.network.publicSubnets.map((subnet) => subnet.id),
          securityGroupId: firewalls.loadBalancers(service.loadBalancer.internal).group.id,
          certificateArn: s.certificateArn,
          accessLogs: this.accessLogs && { bucket: this.accessLogs.bucket.id, prefix: s.prefix, after: [this.accessLogs.policy] },
        },
      }),
    );

    this.dockerHost = new DockerHost(this, "docker-host", {
      name: s.prefix,
      settings: s.dockerHost,
      region: s.region,
      vpcId: this.network.vpc.id,
      subnet: this.network.publicSubnets[0],
      projectDir: props.projectDir,
      projectPath: props.projectPath,
    });
    // Every data volume, created or existing, backed up on a schedule.
    const volumes = [...Object.values(this.clusters).flatMap((c) => c.containerInstance?.dataVolume ?? []), this.dockerHost.dataVolume];
    this.backups = s.backups.enabled
      ? new VolumeBackups(this, "backups", {
          name: s.prefix,
          iamName,
          schedule: s.backups.schedule,
          retentionDays: s.backups.retentionDays,
          volumeArns: volumes.map((v) => v.arn),
          lock: s.backups.lock,
        })
      : undefined;

    // A safeguard turned off in settings carries its reason into the policy, where reviews see it.
    for (const [off, rule, setting] of [
      [s.backups, "CKV2_AWS_9", "backups"],
      [s.network.flowLogs, "CKV2_AWS_11", "network.flowLogs"],
      [s.accessLogs, "CKV_AWS_91", "accessLogs"],
    ] as const) {
      if (!off.enabled) suppressRule(this, rule, `${setting}.enabled is false: ${off.reason}`);
    }
    // Without a certificate the load balancers serve plain HTTP: the settings say why, and synthesis says so.
    if (!s.certificateArn && hasLoadBalancers) {
      for (const rule of ["CKV_AWS_2", "CKV_AWS_103", "CKV2_AWS_20"]) {
        suppressRule(this, rule, `certificateArn is null (plainHttp.reason): ${s.plainHttp.reason}`);
      }
      Annotations.of(this).addWarning(
        `certificateArn is null, so the load balancers serve plain, unencrypted HTTP on port 80, as plainHttp.reason allows: "${s.plainHttp.reason}" Set certificateArn to an ACM certificate in ${s.region} for HTTPS, with HTTP redirected to it.`,
      );
    }

    // Each load-balanced service has an Application Load Balancer of its own.
    const balanced = Object.values(s.services).filter((svc) => svc.loadBalancer).length;
    if (balanced > LOAD_BALANCERS_QUOTA) {
      Annotations.of(this).addWarning(
        `${balanced} services have a loadBalancer, each an Application Load Balancer of its own: a region takes ${LOAD_BALANCERS_QUOTA} unless the quota "Application Load Balancers per Region" is raised, and deploy fails past it (TooManyLoadBalancers). Raise that quota first, or set loadBalancer to null for services that take no traffic from outside.`,
      );
    }

    if (s.dockerHost.adminCidrs.length === 0) {
      Annotations.of(this.dockerHost).addWarning(
        "dockerHost.adminCidrs is empty: nobody can reach the Docker API, so `cdktf deploy aws` stops at the Docker host's readiness gate (aws: docker-host/api-ready) and the docker stack cannot be deployed. Set it to the address range you deploy from.",
      );
    }

    new TerraformOutput(this, "load_balancer_dns_names", {
      description: "DNS name of each service's load balancer",
      value: Object.fromEntries(
        Object.entries(this.services).flatMap(([key, svc]) =>
          svc.loadBalancer ? [[key, svc.loadBalancer.loadBalancer.dnsName]] : [],
        ),
      ),
    });
    new TerraformOutput(this, "cluster_names", {
      description: "Name of each ECS cluster, by settings key",
      value: Object.fromEntries(Object.entries(this.clusters).map(([key, c]) => [key, c.cluster.name])),
    });
    if (this.backups) {
      new TerraformOutput(this, "backup_vault", {
        description: "The AWS Backup vault of the data volumes' recovery points, and the role to restore them with",
        value: { vault: this.backups.vault.name, restore_role_arn: this.backups.role.role.arn },
      });
    }
    new TerraformOutput(this, "docker_host", {
      description: "DOCKER_HOST of the Docker API (mutual TLS: docker --tlsverify with the client certificate)",
      value: `tcp://${this.dockerHost.apiHost}:${this.dockerHost.apiPort}`,
    });
  }
}

function mapEntries<T, R>(record: Record<string, T>, fn: (key: string, value: T) => R): Record<string, R> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(key, value)]));
}
