import { existsSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { Construct } from "constructs";
import { Annotations, DataResource, Fn, TerraformLocal, Token } from "cdktf";
import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import type { Subnet } from "@cdktf/provider-aws/lib/subnet";
import type { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";
import { SECURITY_GROUP_QUOTAS } from "../settings/aws-rules";
import { parseCidr } from "../settings/cidr";
import { READINESS_GATE, projectRoot } from "../settings/paths";
import { sharedDirectoryProblem } from "../settings/environment";
import type { DockerHostSettings } from "../settings/schema";
import { suppressRule } from "../policy/policy-checks";
import { type BootTemplate, type RenderTarget, readBootTemplate, renderBootConfig } from "./boot-config";
import { CERT_FILES, certPathsFromStack, certificateProblem, dockerHostCertificateNames } from "./docker-tls";
import { Firewall } from "./firewall";
import { IMDSV2_ONLY, encryptedRoot } from "./instance-defaults";
import { literal } from "./literal";
import { TemplateFile } from "./template-file";
import { type PersistentVolume, attachVolume, persistentVolume } from "./persistent-volume";

/** The AWS account Flatcar's official AMIs are published from. */
export const FLATCAR_AMI_OWNER = "075585003325";

/** An admin range of /7 or wider (33 million addresses or more, up to 0.0.0.0/0): it draws a warning at synth. */
export const isWideOpen = (cidr: string): boolean => parseCidr(cidr).prefix <= 7;

export interface DockerHostBoot {
  /** Base64 of the CA certificate, the server certificate and its key: literal text, or Terraform expressions. */
  readonly caPem: string;
  readonly serverPem: string;
  readonly serverKeyPem: string;
  readonly apiPort: number;
  /** The data volume that holds /var/lib/docker: its ID (literal or a Terraform expression) and device name. */
  readonly dataVolume: { readonly volumeId: string; readonly device: string };
  readonly updates: DockerHostSettings["updates"];
}

/** The host's cloud-config, from cloud-config/docker-host.yaml, docker-host-init.sh and data-volume.sh. */
export function dockerHostCloudConfig(boot: DockerHostBoot, target: "plain"): string;
export function dockerHostCloudConfig(boot: DockerHostBoot, target?: "terraform"): BootTemplate;
export function dockerHostCloudConfig(boot: DockerHostBoot, target: RenderTarget = "terraform"): string | BootTemplate {
  return renderBootConfig(
    "docker-host.yaml",
    {
      ca_pem: boot.caPem,
      server_pem: boot.serverPem,
      server_key_pem: boot.serverKeyPem,
      api_port: boot.apiPort,
      init_script: readBootTemplate("docker-host-init.sh"),
      data_volume_script: readBootTemplate("data-volume.sh"),
      volume_id: boot.dataVolume.volumeId,
      device: boot.dataVolume.device,
      reboot_strategy: boot.updates.reboots === "window" ? "reboot" : "off",
      window_start: boot.updates.windowStart,
      window_length: boot.updates.windowLength,
    },
    target,
  );
}

export interface DockerHostProps {
  /** Name tag and prefix of the host's resources. */
  readonly name: string;
  readonly settings: DockerHostSettings;
  /** The platform's region: the server certificate must cover its EC2 public names. */
  readonly region: string;
  readonly vpcId: string;
  readonly subnet: Subnet;
  /** The project directory as seen from the stack's directory: certificates and the readiness script. */
  readonly projectDir: string;
  /**
   * That directory, absolute: where the certificates are checked while synthesizing (beside an output directory
   * outside the project, its stacks read them there). @default the project
   */
  readonly projectPath?: string;
}

/**
 * A Flatcar Container Linux instance that serves the Docker API over mutual TLS, booted from cloud-config,
 * behind a stable address, and a deploy-time gate that waits until the API answers.
 */
export class DockerHost extends Construct {
  /** The security groups: the Docker API, the web ports, and SSH when a key pair is set. */
  public readonly firewalls: { readonly api: Firewall; readonly web: Firewall; readonly ssh?: Firewall };
  public readonly instance: Instance;
  public readonly address: Eip;
  /** The volume that holds /var/lib/docker, and its attachment. */
  public readonly dataVolume: PersistentVolume;
  public readonly dataVolumeAttachment: VolumeAttachment;
  public readonly dnsRecord?: Route53Record;
  /** The name the Docker API answers to; it resolves only once the API has answered over TLS. */
  public readonly apiHost: string;
  public readonly apiPort: number;

  constructor(scope: Construct, id: string, props: DockerHostProps) {
    super(scope, id);
    const s = props.settings;
    this.apiPort = s.apiPort;

    // The seed's three groups, each for one kind of traffic.
    const group = (id: string, description: string) =>
      new Firewall(this, id, { name: `${props.name}-docker-${id}`, description, vpcId: props.vpcId });
    const api = group("api", "Docker host: the Docker API (mutual TLS) from the admin ranges, and outbound traffic");
    const web = group("web", "Docker host: HTTP and HTTPS from anywhere, as in the seed");
    const ssh = s.keyPair ? group("ssh", "Docker host: SSH from the admin ranges, with the configured key pair") : undefined;
    s.adminCidrs.forEach((cidr, i) => {
      api.allowIn(`${i}`, { description: `Docker API (mutual TLS) from admin range ${cidr}`, peer: { cidr }, fromPort: s.apiPort });
      ssh?.allowIn(`${i}`, { description: `SSH from admin range ${cidr}`, peer: { cidr }, fromPort: 22 });
    });
    if (s.adminCidrs.length > SECURITY_GROUP_QUOTAS.rules) {
      Annotations.of(this).addWarning(
        `dockerHost.adminCidrs holds ${s.adminCidrs.length} ranges, one inbound rule each: a security group takes ${SECURITY_GROUP_QUOTAS.rules} unless the quota "Inbound or outbound rules per security group" is raised, and deploy fails with RulesPerSecurityGroupLimitExceeded. Raise that quota first, or list fewer, wider ranges.`,
      );
    }
    // A client certificate still guards the API, but its TLS endpoint should not face the internet at large.
    const open = s.adminCidrs.filter(isWideOpen);
    if (open.length > 0) {
      const exposed = `the Docker API (port ${s.apiPort}, behind its client certificate)${s.keyPair ? " and SSH face" : " faces"}`;
      const audience = open.includes("0.0.0.0/0") ? "the whole internet" : "a large part of the internet";
      Annotations.of(this).addWarning(
        `dockerHost.adminCidrs holds ${open.join(", ")}: ${exposed} ${audience}. Set it to the address ranges you administer from.`,
      );
    }
    api.allowOut("all", { description: "Image registries, Flatcar updates, time", peer: { cidr: "0.0.0.0/0" }, protocol: "-1" });
    const http = web.allowIn("http", { description: "HTTP from anywhere", peer: { cidr: "0.0.0.0/0" }, fromPort: 80 });
    suppressRule(
      http,
      "CKV_AWS_260",
      "As in the seed, the Docker host serves its containers' web ports to everyone; only 80 and 443 are open, and containers may publish nothing else.",
    );
    web.allowIn("https", { description: "HTTPS from anywhere", peer: { cidr: "0.0.0.0/0" }, fromPort: 443 });
    this.firewalls = { api, web, ssh };

    const ami = new DataAwsAmi(this, "flatcar", {
      owners: [FLATCAR_AMI_OWNER],
      mostRecent: true,
      filter: [
        { name: "name", values: [`Flatcar-${s.flatcarChannel}-*`] },
        { name: "architecture", values: [s.architecture] },
        { name: "virtualization-type", values: ["hvm"] },
        { name: "root-device-type", values: ["ebs"] },
      ],
    });

    this.dataVolume = persistentVolume(this, { settings: s.dataVolume, subnet: props.subnet, name: `${props.name}-docker-host` });

    const projectPath = props.projectPath ?? projectRoot;
    // Named as the stacks read it: relative to the project, or whole when the stacks are outside it.
    const certsPath = join(projectPath, s.certsDir);
    const certProblem = certificateProblem(certsPath, dockerHostCertificateNames(props.region, s.dns?.name), {
      label: projectPath === projectRoot ? s.certsDir : certsPath,
    });
    const outside = projectPath !== projectRoot;
    // Where deploy would refuse them, no advice to put anything there.
    const shared = outside ? sharedDirectoryProblem(projectPath) : undefined;
    if (shared) {
      Annotations.of(this).addWarning(
        `the stacks, outside the project, read the certificates, keep their local state and run the readiness gate in ${projectPath}, which ${shared}: ` +
          "npm run deploy refuses them there (another user could plant a CA the Docker host would trust); synthesize into a directory of your own, or inside the project (cdktf.out.<environment>)",
      );
    }
    // The project's certificates for these settings, when it has them: new ones would come from a new CA, and the
    // host would restart with them.
    const projectCerts = join(projectRoot, s.certsDir);
    const elsewhere = !outside
      ? ""
      : shared
        ? ` (the stacks, outside the project, read them in ${certsPath})`
        : existsSync(join(projectCerts, CERT_FILES.ca))
          ? ` (the stacks, outside the project, read them there: copy the project's, mkdir -p ${dirname(certsPath)} && cp -a ${projectCerts} ${certsPath}, since npm run certs -- --out=${certsPath} would make a new CA)`
          : ` (the stacks, outside the project, read them there: npm run certs -- --out=${certsPath})`;
    if (certProblem) Annotations.of(this).addWarning(`dockerHost.certsDir: ${certProblem}${elsewhere}; deploy reads them at plan time.`);
    // The readiness gate runs from the same place: the script must be there too, or deploy could not finish.
    const gateScript = join(projectPath, READINESS_GATE);
    if (projectPath !== projectRoot && !existsSync(gateScript)) {
      Annotations.of(this).addWarning(
        `the readiness gate's script ${gateScript} is not there: the stacks, outside the project, run it from there once the Docker host has started, ` +
          `so npm run deploy refuses them until it is (copy the project's ${READINESS_GATE} there, or synthesize into an output directory inside the project)`,
      );
    }

    // Terraform reads the certificates at plan time: the JSON holds only these expressions, never a key.
    const certs = certPathsFromStack(props.projectDir, s.certsDir);
    const cloudConfig = new TemplateFile(this, "cloud-config-file", {
      fileName: "cloud-config.yaml",
      template: dockerHostCloudConfig({
        caPem: Fn.filebase64(certs.ca),
        serverPem: Fn.filebase64(certs.serverCert),
        serverKeyPem: Fn.filebase64(certs.serverKey),
        apiPort: s.apiPort,
        dataVolume: { volumeId: this.dataVolume.volumeId, device: s.dataVolume.device },
        updates: s.updates,
      }),
    });
    const userData = new TerraformLocal(this, "cloud-config", cloudConfig.rendered);

    this.instance = new Instance(this, "instance", {
      ami: ami.id,
      instanceType: s.instanceType,
      subnetId: props.subnet.id,
      vpcSecurityGroupIds: [api, web, ...(ssh ? [ssh] : [])].map((f) => f.group.id),
      keyName: s.keyPair ? literal(s.keyPair) : undefined,
      metadataOptions: IMDSV2_ONLY,
      rootBlockDevice: encryptedRoot(s.rootVolumeGiB),
      monitoring: true,
      // Stored in state as a hash only (hashicorp/aws 5.x); coreos-cloudinit applies it again on every boot.
      userData: userData.asString,
      tags: { Name: `${props.name}-docker-host` },
      // Flatcar updates itself in place; a newer AMI should not replace the host.
      lifecycle: { ignoreChanges: ["ami"], precondition: this.dataVolume.instancePreconditions },
    });
    this.dataVolumeAttachment = attachVolume(this, this.dataVolume, s.dataVolume.device, this.instance);
    this.address = new Eip(this, "address", {
      domain: "vpc",
      instance: this.instance.id,
      tags: { Name: `${props.name}-docker-host` },
    });

    let host = this.address.publicDns;
    if (s.dns) {
      this.dnsRecord = new Route53Record(this, "dns", {
        zoneId: s.dns.hostedZoneId,
        name: s.dns.name,
        type: "A",
        ttl: 60,
        records: [this.address.publicIp],
      });
      host = this.dnsRecord.fqdn;
    }

    // Flatcar takes a minute or more to boot, and the Docker provider talks to the daemon as soon as it is
    // configured: the name reaches the DockerStack only through this gate, after the API answered over TLS.
    const gate = new DataResource(this, "api-ready", {
      input: { host },
      triggersReplace: { instance: this.instance.id, host, port: String(s.apiPort), config: Fn.sha256(userData.asString) },
      provisioners: [
        {
          type: "local-exec",
          command: [
            "node",
            `${props.projectDir}/${READINESS_GATE}`,
            `--host=${host}`,
            `--port=${s.apiPort}`,
            `--certs=${posix.join(props.projectDir, s.certsDir)}`,
            `--timeout=${s.readinessTimeoutSeconds}`,
            `--admin-cidrs=${s.adminCidrs.join(",") || "none"}`,
          ].join(" "),
        },
      ],
    });
    this.apiHost = Token.asString(gate.output.lookup("host"));
  }
}
