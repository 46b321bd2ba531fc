import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { Testing } from "cdktf";
import { parse } from "yaml";
import { readBootTemplate } from "../../constructs/boot-config";
import { type DockerHostBoot, FLATCAR_AMI_OWNER } from "../../constructs/docker-host";
import { certificateProblem, dockerHostCertificateNames, ec2PublicDnsDomain } from "../../constructs/docker-tls";
import { ensureCertificates } from "../../commands/certs";
import { projectRoot } from "../../settings/paths";
import { cloudConfigProblems } from "../contracts/coreos-cloudinit";
import { WINDOW, b64, render } from "./docker-host-fixture";
import { type Synthesized, buildStacks, named, renderedTemplate, resourcesOf, runApp, synthesize } from "../helpers";

const ADMIN = "198.51.100.0/24";
let plain: Synthesized;
let withAdmins: Synthesized;
beforeAll(() => {
  plain = synthesize(buildStacks().aws);
  withAdmins = synthesize(buildStacks({ dockerHost: { adminCidrs: [ADMIN, "203.0.113.7/32"], keyPair: "ops", apiPort: 12376 } }).aws);
});

const hostRules = (s: Synthesized) =>
  Object.values(resourcesOf(s.json, "aws_vpc_security_group_ingress_rule")).filter((r) =>
    r.security_group_id.includes("docker-host_"),
  );
const hostGroups = (s: Synthesized) =>
  Object.values(resourcesOf(s.json, "aws_security_group"))
    .map((g) => g.tags.Name)
    .filter((n: string) => n.startsWith("soa-docker-"))
    .sort();
const host = (s: Synthesized) => named(s.json, "aws_instance", "docker-host");

describe("security groups", () => {
  test("the seed's groups: the Docker API and the web ports, and SSH only with a key pair", () => {
    expect(hostGroups(plain)).toEqual(["soa-docker-api", "soa-docker-web"]);
    expect(hostGroups(withAdmins)).toEqual(["soa-docker-api", "soa-docker-ssh", "soa-docker-web"]);
    const instanceGroups = (s: Synthesized) => host(s).vpc_security_group_ids.length;
    expect([instanceGroups(plain), instanceGroups(withAdmins)]).toEqual([2, 3]);
  });

  test("by default only HTTP and HTTPS are open: no Docker API and no SSH rule at all", () => {
    expect(hostRules(plain).map((r) => `${r.cidr_ipv4}:${r.from_port}`).sort()).toEqual(["0.0.0.0/0:443", "0.0.0.0/0:80"]);
  });

  test("the Docker API port admits only the admin CIDRs; SSH exists with a key pair, for the same CIDRs", () => {
    const rules = hostRules(withAdmins).map((r) => `${r.cidr_ipv4}:${r.from_port}`).sort();
    expect(rules).toEqual([
      "0.0.0.0/0:443",
      "0.0.0.0/0:80",
      "198.51.100.0/24:12376",
      "198.51.100.0/24:22",
      "203.0.113.7/32:12376",
      "203.0.113.7/32:22",
    ]);
    for (const rule of hostRules(withAdmins)) expect(rule.description).toMatch(/\w/);
  });

  test("an empty admin list is flagged when synthesizing, naming the stack whose deploy stops", () => {
    const stacks = buildStacks();
    Testing.synth(stacks.aws);
    const warnings = stacks.aws.dockerHost.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
    expect(warnings).toContainEqual(
      expect.stringMatching(/^dockerHost\.adminCidrs is empty: .*`cdktf deploy aws` stops at the Docker host's readiness gate/),
    );
  });
});

describe("the instance", () => {
  test("requires IMDSv2 with hop limit 1, encrypts its root volume, and takes its key pair from settings", () => {
    expect(host(plain)).toMatchObject({
      instance_type: "t3.medium",
      metadata_options: { http_tokens: "required", http_put_response_hop_limit: 1 },
      root_block_device: { encrypted: true },
    });
    expect(host(plain).key_name).toBeUndefined();
    expect(host(withAdmins).key_name).toBe("ops");
  });

  test("boots Flatcar stable, looked up by owner and name, never a hard-coded AMI", () => {
    const ami = Object.values(plain.json.data!.aws_ami)[0] as any;
    expect(ami.owners).toEqual([FLATCAR_AMI_OWNER]);
    expect(ami.most_recent).toBe(true);
    expect(ami.filter).toEqual(
      expect.arrayContaining([
        { name: "name", values: ["Flatcar-stable-*"] },
        { name: "architecture", values: ["x86_64"] },
      ]),
    );
    expect(host(plain).ami).toMatch(/^\$\{data\.aws_ami\.[^.]+\.id\}$/);
    expect(host(plain).lifecycle).toEqual({ ignore_changes: ["ami"] });
  });

  test("gets its cloud-config as user data, with the certificates read by Terraform, never inlined", () => {
    expect(host(plain).user_data).toMatch(/^\$\{local\.docker-host_cloud-config_[^}]+\}$/);
    expect(Object.values((plain.json as any).locals)[0]).toMatch(/^\$\{templatefile\("templates\/docker-host\/cloud-config\.yaml", \{/);
    expect(renderedTemplate(plain, host(plain).user_data)).toContain('content: ${filebase64("../../../certs/server-key.pem")}');
    expect(plain.text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY|"provisioner":\s*\[\s*\{\s*"(file|remote-exec)"/);
  });

  test("has a stable address, and with dockerHost.dns a Route 53 name that the gate hands on", () => {
    expect(resourcesOf(plain.json, "aws_eip")).not.toEqual({});
    const dns = synthesize(buildStacks({ dockerHost: { dns: { hostedZoneId: "Z0123456789ABC", name: "docker.example.com" } } }).aws);
    const record = Object.values(resourcesOf(dns.json, "aws_route53_record"))[0];
    expect(record).toMatchObject({ name: "docker.example.com", type: "A", zone_id: "Z0123456789ABC" });
    const gate = Object.values(resourcesOf(dns.json, "terraform_data"))[0];
    expect(gate.input.host).toMatch(/^\$\{aws_route53_record\.[^.]+\.fqdn\}$/);
  });
});

describe("the readiness gate", () => {
  test("runs the wait script locally with the host, port, certificates, timeout and admin CIDRs", () => {
    const gate = Object.values(resourcesOf(withAdmins.json, "terraform_data"))[0];
    const command: string = gate.provisioner[0]["local-exec"].command;
    expect(command).toMatch(
      /^node \.\.\/\.\.\/\.\.\/dist\/deploy\/wait-for-docker\.js --host=\$\{aws_eip\.[^.]+\.public_dns\} --port=12376 --certs=\.\.\/\.\.\/\.\.\/certs --timeout=600 --admin-cidrs=198\.51\.100\.0\/24,203\.0\.113\.7\/32$/,
    );
  });

  test("runs again when the instance, its address or its boot configuration changes", () => {
    const gate = Object.values(resourcesOf(plain.json, "terraform_data"))[0];
    expect(Object.keys(gate.triggers_replace).sort()).toEqual(["config", "host", "instance", "port"]);
    expect(gate.triggers_replace.config).toMatch(/^\$\{sha256\(local\.docker-host_cloud-config_/);
  });
});

describe("the cloud-config as coreos-cloudinit reads it (keys and patterns from its source)", () => {
  test.each([
    ["the defaults", {}],
    ["reboots off", { updates: { ...WINDOW, reboots: "off" } }],
    ["a daily window and another port", { updates: { ...WINDOW, windowStart: "23:30", windowLength: "2h30m" }, apiPort: 12376 }],
  ] as const)("every key at every level is one it reads, every value within its patterns: %s", (_name, over) => {
    expect(cloudConfigProblems(render(over as Partial<DockerHostBoot>))).toEqual([]);
  });

  // What Terraform renders from the synthesized template file passes too: docker-host.cli.test.ts.
});

describe("the cloud-config, rendered and parsed as coreos-cloudinit does (exact keys)", () => {
  const config = parse(render());
  const unit = (name: string) => config.coreos.units.find((u: any) => u.name === name);
  const file = (path: string) => config.write_files.find((f: any) => f.path === path);

  test("is a #cloud-config document", () => {
    expect(render()).toMatch(/^#cloud-config\n/);
  });

  test("writes the CA, the server certificate and the server key to /etc/docker, the key readable by root only", () => {
    expect(file("/etc/docker/ca.pem")).toMatchObject({ permissions: "0644", encoding: "b64", content: b64("CA\n") });
    expect(file("/etc/docker/server.pem")).toMatchObject({ permissions: "0644", content: b64("SERVER\n") });
    expect(file("/etc/docker/server-key.pem")).toMatchObject({ permissions: "0600", owner: "root:root", content: b64("KEY\n") });
  });

  test("requires client certificates through dockerd's own daemon.json, with no option dockerd also gets as a flag", () => {
    const daemon = JSON.parse(file("/etc/docker/daemon.json").content);
    expect(daemon).toEqual({
      tlsverify: true,
      tlscacert: "/etc/docker/ca.pem",
      tlscert: "/etc/docker/server.pem",
      tlskey: "/etc/docker/server-key.pem",
      // Images and containers in Docker's own store, on the data volume, not containerd's on the root disk.
      features: { "containerd-snapshotter": false },
    });
    // Flatcar's docker.service passes --host=fd://, --containerd and --selinux-enabled: the same in daemon.json
    // would stop dockerd ("specified both as a flag and in the configuration file").
    for (const flag of ["hosts", "containerd", "selinux-enabled"]) expect(daemon).not.toHaveProperty(flag);
    expect(unit("docker.service")).toEqual({ name: "docker.service", command: "restart" });
  });

  test("runs the init script at boot instead of over SSH", () => {
    const init = file("/opt/bin/host-init.sh");
    expect(init.permissions).toBe("0755");
    expect(init.content).toMatch(/^#!\/bin\/bash\n/);
    expect(init.content).toContain("vm.max_map_count = 262144");
    expect(unit("host-init.service").command).toBe("start");
    expect(unit("host-init.service").content).toMatch(/Type=oneshot[\s\S]*ExecStart=\/opt\/bin\/host-init\.sh/);
  });

  test("listens on the API port through docker-tls-tcp.socket, handed to docker.service", () => {
    const socket = unit("docker-tls-tcp.socket");
    // Started by coreos-cloudinit after it wrote this boot's certificates; enabled, it would listen before them.
    expect(socket.command).toBe("start");
    expect(socket.enable).toBeUndefined();
    expect(socket.content).toMatch(/^ListenStream=2376$/m);
    expect(socket.content).toMatch(/^Service=docker\.service$/m);
  });

  test("mounts the data volume at /var/lib/docker before dockerd, which requires it", () => {
    const data = unit("docker-data.service");
    expect(data).toMatchObject({ enable: true, command: "start" });
    expect(data.content).toMatch(/^Before=docker\.service$/m);
    expect(data.content).toMatch(/^RequiredBy=docker\.service$/m);
    expect(data.content).toMatch(/^ExecStart=\/opt\/bin\/data-volume\.sh vol-0123456789abcdef0 \/dev\/xvdf \/var\/lib\/docker$/m);
    expect(file("/opt/bin/data-volume.sh")).toMatchObject({ permissions: "0755", content: readBootTemplate("data-volume.sh") });
    // Units run in order, each waiting for the last: the volume is mounted before Docker is restarted.
    const names = config.coreos.units.map((u: any) => u.name);
    expect(names.indexOf("docker-data.service")).toBeLessThan(names.indexOf("docker.service"));
  });

  test("reboots into updates only inside the maintenance window, or never", () => {
    expect(config.coreos.update).toEqual({ reboot_strategy: "reboot" });
    expect(config.coreos.locksmith).toEqual({ window_start: "Sun 04:00", window_length: "1h" });
    expect(parse(render({ updates: { ...WINDOW, reboots: "off" } })).coreos.update).toEqual({ reboot_strategy: "off" });
  });
});

describe("the data volume", () => {
  test("is created encrypted, kept on destroy, attached to the host as dockerHost.dataVolume.device", () => {
    const volume = named(plain.json, "aws_ebs_volume", "docker-host");
    expect(volume).toMatchObject({ encrypted: true, size: 50, type: "gp3", lifecycle: { prevent_destroy: true } });
    expect(volume.availability_zone).toMatch(/^\$\{aws_subnet\.network_public-0_[^.]+\.availability_zone\}$/);
    const attachment = named(plain.json, "aws_volume_attachment", "docker-host");
    expect(attachment).toMatchObject({ device_name: "/dev/xvdf", stop_instance_before_detaching: true });
    expect(attachment.instance_id).toMatch(/^\$\{aws_instance\.docker-host_instance_[^.]+\.id\}$/);
  });

  test("an existing volume is attached, never created, and must be in the host's zone", () => {
    const s = synthesize(buildStacks({ dockerHost: { dataVolume: { volumeId: "vol-0123456789abcdef0" } } }).aws);
    expect(Object.keys(resourcesOf(s.json, "aws_ebs_volume")).filter((n) => n.includes("docker-host"))).toEqual([]);
    expect(host(s).lifecycle.precondition[0].error_message).toMatch(/vol-0123456789abcdef0 is in zone/);
    expect(named(s.json, "aws_volume_attachment", "docker-host").volume_id).toMatch(/^\$\{data\.aws_ebs_volume\.docker-host_existing-volume_/);
  });
});

describe("the certificates, checked at synth", () => {
  const dir = mkdtempSync(join(tmpdir(), "certs-check-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const NAMES = dockerHostCertificateNames("us-west-1");

  test("names npm run certs when there are none, and --rotate when they do not cover the settings' names", async () => {
    expect(certificateProblem(join(dir, "none"), NAMES, { label: "certs" })).toBe(
      "there are no certificates in certs: run `npm run certs` before deploying",
    );
    await ensureCertificates({ dir, serverNames: NAMES });
    expect(certificateProblem(dir, NAMES)).toBeUndefined();
    expect(certificateProblem(dir, dockerHostCertificateNames("eu-west-1"), { label: "certs" })).toMatch(
      /^certs\/server\.pem covers \*\.us-west-1\.compute\.amazonaws\.com but the settings need \*\.eu-west-1\.compute\.amazonaws\.com: run `npm run certs -- --rotate` if the Docker host moved from us-west-1 to eu-west-1; /,
    );
    expect(certificateProblem(dir, NAMES, { now: new Date(Date.now() + 900 * 86_400_000) })).toMatch(/expired on .*--rotate/);
  });

  test("with an output directory outside the project, checks them beside it, where its stacks read them", async () => {
    const outside = mkdtempSync(join(tmpdir(), "certs-outside-"));
    const settings = join(outside, "settings.json");
    writeFileSync(settings, JSON.stringify({ dockerHost: { certsDir: "certs/outside-test" } }));
    // What synthesis records for the CLI (and npm run synth) to print: the manifest's annotations.
    const warnings = () => {
      expect(runApp(settings, join(outside, "out")).code).toBe(0);
      const manifest = JSON.parse(readFileSync(join(outside, "out", "manifest.json"), "utf8"));
      return Object.values(manifest.stacks).flatMap((stack: any) => stack.annotations.map((a: { message: string }) => a.message));
    };
    expect(warnings()).toContain(
      `dockerHost.certsDir: there are no certificates in ${join(outside, "certs/outside-test")}: run \`npm run certs\` before deploying (the stacks, outside the project, read them there: npm run certs -- --out=${join(outside, "certs/outside-test")}); deploy reads them at plan time.`,
    );
    const gate = join(outside, "dist", "deploy", "wait-for-docker.js");
    expect(warnings()).toContain(
      `the readiness gate's script ${gate} is not there: the stacks, outside the project, run it from there once the Docker host has started, ` +
        "so npm run deploy refuses them until it is (copy the project's dist/deploy/wait-for-docker.js there, or synthesize into an output directory inside the project)",
    );
    // There, and not in the project: nothing to warn of.
    await ensureCertificates({ dir: join(outside, "certs/outside-test"), serverNames: NAMES });
    mkdirSync(dirname(gate), { recursive: true });
    writeFileSync(gate, "");
    expect(warnings().filter((w) => w.includes("dockerHost.certsDir") || w.includes("readiness gate's script"))).toEqual([]);
    rmSync(outside, { recursive: true, force: true });
  });

  test("outside the project: the project's certificates and state for these settings are named, and a parent others may write is warned of", async () => {
    // Certificates and state of these settings in the project, as a deploy from it left them.
    const inProject = mkdtempSync(join(projectRoot, "cdktf.out.host-test-"));
    const rel = relative(projectRoot, inProject);
    const settings = join(inProject, "settings.json");
    writeFileSync(settings, JSON.stringify({ dockerHost: { certsDir: `${rel}/certs` }, state: { localDir: `${rel}/state` } }));
    await ensureCertificates({ dir: join(inProject, "certs"), serverNames: NAMES });
    mkdirSync(join(inProject, "state"));
    writeFileSync(join(inProject, "state", "aws.tfstate"), "{}");
    const outside = mkdtempSync(join(tmpdir(), "host-outside-"));
    const warnings = () => {
      expect(runApp(settings, join(outside, "out")).code).toBe(0);
      const manifest = JSON.parse(readFileSync(join(outside, "out", "manifest.json"), "utf8"));
      return Object.values(manifest.stacks).flatMap((stack: any) => stack.annotations.map((a: { message: string }) => a.message as string));
    };
    try {
      const seen = warnings();
      const there = join(outside, rel, "certs");
      expect(seen).toContainEqual(expect.stringContaining(`copy the project's, mkdir -p ${dirname(there)} && cp -a ${join(inProject, "certs")} ${there}, since npm run certs -- --out=${there} would make a new CA`));
      expect(seen).toContainEqual(
        `the aws stack, outside the project, keeps its local state at ${join(outside, rel, "state", "aws.tfstate")}, which does not exist, while the project holds one for these settings (${join(inProject, "state", "aws.tfstate")}): ` +
          "Terraform there would plan to create every resource again; copy the state there, synthesize inside the project (cdktf.out.<environment>), or keep the state in S3 (state.bucket)",
      );
      expect(seen.filter((w) => w.includes("writable by other users"))).toEqual([]);
      chmodSync(outside, 0o777);
      expect(warnings()).toContainEqual(expect.stringMatching(new RegExp(`^the stacks, outside the project, read the certificates, keep their local state and run the readiness gate in ${outside}, which is writable by other users \\(mode 777\\): npm run deploy refuses them there`)));
    } finally {
      rmSync(outside, { recursive: true, force: true });
      rmSync(inProject, { recursive: true, force: true });
    }
  });

  test("warns when synthesizing, naming the fix", () => {
    const stacks = buildStacks({ dockerHost: { certsDir: "certs/no-such-certs" } });
    Testing.synth(stacks.aws);
    const warnings = stacks.aws.dockerHost.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
    expect(warnings).toContainEqual("dockerHost.certsDir: there are no certificates in certs/no-such-certs: run `npm run certs` before deploying; deploy reads them at plan time.");
  });
});

test("the server certificate's names: the region's EC2 public names, or the Route 53 name", () => {
  expect(dockerHostCertificateNames("us-west-1")).toEqual(["*.us-west-1.compute.amazonaws.com"]);
  expect(dockerHostCertificateNames("us-east-1")).toEqual(["*.compute-1.amazonaws.com"]);
  expect(dockerHostCertificateNames("eu-west-1", "docker.example.com")).toEqual(["docker.example.com"]);
  expect(ec2PublicDnsDomain("ap-southeast-2")).toBe("ap-southeast-2.compute.amazonaws.com");
});
