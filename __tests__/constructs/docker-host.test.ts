import { Testing } from "cdktf";
import { parse } from "yaml";
import { FLATCAR_AMI_OWNER, dockerHostCloudConfig } from "../../constructs/docker-host";
import { dockerHostCertificateNames, ec2PublicDnsDomain } from "../../constructs/docker-tls";
import { type Synthesized, buildStacks, named, resourcesOf, synthesize } from "../helpers";

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
    .map((g) => g.name)
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

  test("an empty admin list is flagged when synthesizing", () => {
    const stacks = buildStacks();
    Testing.synth(stacks.aws);
    const warnings = stacks.aws.dockerHost.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
    expect(warnings).toEqual([expect.stringContaining("dockerHost.adminCidrs is empty")]);
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
    const config = Object.values((plain.json as any).locals)[0] as string;
    expect(config).toContain('content: ${filebase64("../../../certs/server-key.pem")}');
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
      /^node \.\.\/\.\.\/\.\.\/dist\/scripts\/wait-for-docker\.js --host=\$\{aws_eip\.[^.]+\.public_dns\} --port=12376 --certs=\.\.\/\.\.\/\.\.\/certs --timeout=600 --admin-cidrs=198\.51\.100\.0\/24,203\.0\.113\.7\/32$/,
    );
  });

  test("runs again when the instance, its address or its boot configuration changes", () => {
    const gate = Object.values(resourcesOf(plain.json, "terraform_data"))[0];
    expect(Object.keys(gate.triggers_replace).sort()).toEqual(["config", "host", "instance", "port"]);
    expect(gate.triggers_replace.config).toMatch(/^\$\{sha256\(local\.docker-host_cloud-config_/);
  });
});

describe("the cloud-config, rendered and parsed as YAML", () => {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const config = parse(
    dockerHostCloudConfig(
      { caPem: b64("CA\n"), serverPem: b64("SERVER\n"), serverKeyPem: b64("KEY\n"), apiPort: 2376 },
      "plain",
    ),
  );

  test("is a #cloud-config document", () => {
    expect(dockerHostCloudConfig({ caPem: "a", serverPem: "b", serverKeyPem: "c", apiPort: 1 }, "plain")).toMatch(/^#cloud-config\n/);
  });

  test("writes the CA, the server certificate and the server key to /etc/docker, the key readable by root only", () => {
    const files = Object.fromEntries(config.write_files.map((f: any) => [f.path, f]));
    expect(files["/etc/docker/ca.pem"]).toMatchObject({ permissions: "0644", encoding: "b64", content: b64("CA\n") });
    expect(files["/etc/docker/server.pem"]).toMatchObject({ permissions: "0644", content: b64("SERVER\n") });
    expect(files["/etc/docker/server-key.pem"]).toMatchObject({ permissions: "0600", owner: "root:root", content: b64("KEY\n") });
  });

  test("runs the init script at boot instead of over SSH", () => {
    const init = config.write_files.find((f: any) => f.path === "/opt/bin/host-init.sh");
    expect(init.permissions).toBe("0755");
    expect(init.content).toMatch(/^#!\/bin\/bash\n/);
    expect(init.content).toContain("vm.max_map_count = 262144");
    const unit = config.coreos.units.find((u: any) => u.name === "host-init.service");
    expect(unit.command).toBe("start");
    expect(unit.content).toMatch(/Type=oneshot[\s\S]*ExecStart=\/opt\/bin\/host-init\.sh/);
  });

  test("listens on the API port through docker-tls-tcp.socket, handed to docker.service", () => {
    const socket = config.coreos.units.find((u: any) => u.name === "docker-tls-tcp.socket");
    expect(socket).toMatchObject({ command: "start", enable: true });
    expect(socket.content).toMatch(/^ListenStream=2376$/m);
    expect(socket.content).toMatch(/^Service=docker\.service$/m);
  });

  test("sets DOCKER_OPTS to --tlsverify with the three files, and restarts Docker to take them", () => {
    const docker = config.coreos.units.find((u: any) => u.name === "docker.service");
    expect(docker.command).toBe("restart");
    expect(docker["drop-ins"]).toEqual([
      {
        name: "10-tls-verify.conf",
        content:
          '[Service]\nEnvironment="DOCKER_OPTS=--tlsverify --tlscacert=/etc/docker/ca.pem --tlscert=/etc/docker/server.pem --tlskey=/etc/docker/server-key.pem"\n',
      },
    ]);
  });
});

test("the server certificate's names: the region's EC2 public names, or the Route 53 name", () => {
  expect(dockerHostCertificateNames("us-west-1")).toEqual(["*.us-west-1.compute.amazonaws.com"]);
  expect(dockerHostCertificateNames("us-east-1")).toEqual(["*.compute-1.amazonaws.com"]);
  expect(dockerHostCertificateNames("eu-west-1", "docker.example.com")).toEqual(["docker.example.com"]);
  expect(ec2PublicDnsDomain("ap-southeast-2")).toBe("ap-southeast-2.compute.amazonaws.com");
});
