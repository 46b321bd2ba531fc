import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";
import {
  type Synthesized,
  buildStacks,
  documentOf,
  named,
  renderedTemplate,
  only,
  referencedAddress,
  resourcesOf,
  synthesize,
} from "../helpers";
import { TLS_POLICY } from "../../constructs/service-load-balancer";

const CERTIFICATE = "arn:aws:acm:us-west-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";
const SECRET = "arn:aws:secretsmanager:us-west-1:123456789012:secret:registry-AbCdEf";

// One synthesis per configuration, shared by the assertions that read it.
let stack: Synthesized;
let withOptions: Synthesized;
beforeAll(() => {
  stack = synthesize(buildStacks().aws);
  withOptions = synthesize(
    buildStacks({
      certificateArn: CERTIFICATE,
      registryCredentialsSecretArn: SECRET,
      state: { bucket: "my-state-bucket", keyPrefix: "team/soa" },
      clusters: { a: { capacity: { dataVolume: { volumeId: "vol-0123456789abcdef0" } } } },
      services: { db: { loadBalancer: { internal: false } } },
    }).aws,
  );
});

const all = (s: Synthesized, type: string) => Object.values(resourcesOf(s.json, type));
const ingressRules = (s: Synthesized) => all(s, "aws_vpc_security_group_ingress_rule");
const groupOfRule = (s: Synthesized, rule: any) =>
  s.json.resource.aws_security_group[referencedAddress(rule.security_group_id).split(".")[1]];

test("the synthesized aws stack matches its snapshot", () => {
  expect({ configuration: stack.json, templates: stack.templates }).toMatchSnapshot();
});

describe("provider", () => {
  test("takes the region from settings and tags every resource by default", () => {
    const [aws] = stack.json.provider.aws;
    expect(aws.region).toBe("us-west-1");
    expect(aws.default_tags).toEqual([{ tags: { Project: "soa", Stack: "aws", ManagedBy: "cdktf" } }]);
    expect(synthesize(buildStacks({ region: "eu-central-1" }).aws).json.provider.aws[0].region).toBe("eu-central-1");
  });

  test("has no static credentials anywhere", () => {
    for (const s of [stack, withOptions]) {
      expect(s.text).not.toMatch(/access_key|secret_key|"token"|AKIA[0-9A-Z]{16}/);
    }
  });

  test("pins hashicorp/aws 5.100.0", () => {
    expect(stack.json.terraform.required_providers.aws).toEqual({ source: "aws", version: "5.100.0" });
  });
});

describe("network", () => {
  test("is a dedicated VPC with public subnets in two zones, not a default VPC", () => {
    expect(only(stack.json, "aws_vpc")).toMatchObject({ cidr_block: "10.20.0.0/16", enable_dns_hostnames: true });
    const subnets = all(stack, "aws_subnet");
    expect(subnets.map((s) => s.availability_zone)).toEqual([
      expect.stringContaining("element(data.aws_availability_zones"),
      expect.stringContaining("element(data.aws_availability_zones"),
    ]);
    expect(subnets[0].availability_zone).not.toEqual(subnets[1].availability_zone);
    expect(stack.text).not.toMatch(/"default"\s*:\s*true|aws_default_vpc/);
    const routes = only(stack.json, "aws_route_table").route;
    expect(routes).toEqual([expect.objectContaining({ cidr_block: "0.0.0.0/0" })]);
  });

  test("zones from settings are used as given, once Terraform has read that the account has each (at plan)", () => {
    const s = synthesize(buildStacks({ network: { availabilityZones: ["us-west-1b", "us-west-1c"] } }).aws);
    expect(all(s, "aws_subnet").map((x) => x.availability_zone)).toEqual(["us-west-1b", "us-west-1c"]);
    // Every zone of the account, whatever its state: the check is that the name exists (terraform test's options
    // fixture runs it, failing on a zone the account lacks).
    const [zones, ...more] = Object.values((s.json as { data: Record<string, Record<string, object>> }).data.aws_availability_zones);
    expect(more).toEqual([]);
    expect(zones).toEqual({
      lifecycle: {
        postcondition: [
          {
            condition: '${alltrue([for zone in ["us-west-1b","us-west-1c"] : contains(self.names, zone)])}',
            error_message: expect.stringMatching(/^network\.availabilityZones names a zone this account does not have in the region \(it has \$\{join\(", ", self\.names\)\}\)/),
          },
        ],
      },
    });
  });
});

describe("IAM", () => {
  test("the instance profile uses role (not the removed roles) and the managed ECS and SSM policies", () => {
    expect(stack.text).toHaveResourceWithProperties(IamInstanceProfile, { name: "soa-us-west-1-ecs-instance" });
    const profile = only(stack.json, "aws_iam_instance_profile");
    expect(profile.role).toMatch(/^\$\{aws_iam_role\..*\.name\}$/);
    expect(profile.roles).toBeUndefined();
    const attached = all(stack, "aws_iam_role_policy_attachment").map((a) => a.policy_arn);
    expect(attached).toEqual(
      expect.arrayContaining([
        "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
      ]),
    );
  });

  test("each role is assumed by one service: instances, ECS tasks, AWS Backup, VPC flow logs", () => {
    const roles = all(stack, "aws_iam_role").map((r) => documentOf(r.assume_role_policy).Statement[0].Principal.Service);
    expect(roles.sort()).toEqual(["backup.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com"]);
  });

  test("no policy we write has a wildcard action or resource", () => {
    const policies = [...all(withOptions, "aws_iam_role_policy"), ...all(stack, "aws_iam_role_policy")];
    expect(policies.length).toBeGreaterThan(0);
    for (const p of policies) {
      for (const statement of documentOf(p.policy).Statement) {
        for (const action of statement.Action) expect(action).not.toContain("*");
        // Listing log groups is authorized against all of the region's, never one: that statement alone.
        if (statement.Action.join() === "logs:DescribeLogGroups") {
          expect(statement.Resource).toEqual([expect.stringMatching(/^arn:\$\{data\.aws_partition\.[^}]+\}:logs:\$\{data\.aws_region\.[^}]+\}:\$\{data\.aws_caller_identity\.[^}]+\}:log-group:\*$/)]);
          continue;
        }
        // A log group's streams are its ARN with ":*"; nothing else may be a pattern.
        for (const resource of statement.Resource) expect(resource.replace(/^(\$\{aws_cloudwatch_log_group\.[^}]+\.arn\}):\*$/, "$1")).not.toContain("*");
      }
    }
  });
});

describe("security groups", () => {
  test("every rule is its own resource with a description; no group has inline rules", () => {
    for (const group of all(withOptions, "aws_security_group")) {
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
    }
    const rules = [...ingressRules(withOptions), ...all(withOptions, "aws_vpc_security_group_egress_rule")];
    for (const rule of rules) expect(rule.description).toMatch(/\w{3,}/);
  });

  test("load balancers take 80 only, and 443 too when a certificate is set", () => {
    const openPorts = (s: Synthesized) =>
      ingressRules(s)
        .filter((r) => r.cidr_ipv4 && groupOfRule(s, r).tags.Name.endsWith("load-balancers"))
        .map((r) => `${r.cidr_ipv4}:${r.from_port}`)
        .sort();
    expect(openPorts(stack)).toEqual(["0.0.0.0/0:80", "10.20.0.0/16:80"]);
    expect(openPorts(withOptions)).toEqual(["0.0.0.0/0:443", "0.0.0.0/0:80"]);
  });

  test("container instances accept traffic only from the load balancers' groups", () => {
    const instanceRules = ingressRules(stack).filter((r) =>
      groupOfRule(stack, r).tags.Name.endsWith("container-instances"),
    );
    expect(instanceRules).toHaveLength(2);
    for (const rule of instanceRules) {
      expect(rule.cidr_ipv4).toBeUndefined();
      expect(groupOfRule(stack, { security_group_id: rule.referenced_security_group_id }).tags.Name).toMatch(
        /load-balancers$/,
      );
    }
  });

  test("no rule opens SSH or any port below 80, and only the Docker host's HTTP(S) and the load balancers are open to the world", () => {
    for (const rule of ingressRules(withOptions)) {
      expect(rule.from_port).toBeGreaterThanOrEqual(80);
      expect(rule.ip_protocol).toBe("tcp");
    }
    const world = ingressRules(stack)
      .filter((r) => r.cidr_ipv4 === "0.0.0.0/0")
      .map((r) => `${groupOfRule(stack, r).tags.Name}:${r.from_port}`)
      .sort();
    expect(world).toEqual(["soa-docker-web:443", "soa-docker-web:80", "soa-public-load-balancers:80"]);
  });
});

describe("load balancers", () => {
  test("one application load balancer per exposed service; the db one is internal", () => {
    const lbs = resourcesOf(stack.json, "aws_lb");
    expect(Object.keys(lbs).map((k) => k.split("_")[0]).sort()).toEqual(["service-api", "service-db", "service-web"]);
    for (const lb of Object.values(lbs)) {
      expect(lb).toMatchObject({ load_balancer_type: "application", drop_invalid_header_fields: true });
    }
    expect(named(stack.json, "aws_lb", "service-db").internal).toBe(true);
    expect(named(stack.json, "aws_lb", "service-web").internal).toBe(false);
    expect(named(withOptions.json, "aws_lb", "service-db").internal).toBe(false);
  });

  test("target groups take instances, which ECS registers with dynamic host ports", () => {
    for (const tg of all(stack, "aws_lb_target_group")) expect(tg).toMatchObject({ target_type: "instance", protocol: "HTTP" });
    for (const file of ["webtask", "dbtask", "apitask"]) {
      const td = named(stack.json, "aws_ecs_task_definition", `service-${file.replace("task", "")}`);
      expect(documentOf(td.container_definitions)[0].portMappings[0].hostPort).toBe(0);
    }
  });

  test("HTTP forwards without a certificate; with one, HTTPS forwards and HTTP redirects", () => {
    const plain = all(stack, "aws_lb_listener");
    expect(plain.map((l) => [l.port, l.default_action[0].type])).toEqual([
      [80, "forward"],
      [80, "forward"],
      [80, "forward"],
    ]);
    const tls = all(withOptions, "aws_lb_listener");
    expect(tls.filter((l) => l.port === 443).every((l) => l.certificate_arn === CERTIFICATE)).toBe(true);
    expect(tls.filter((l) => l.port === 443).map((l) => l.ssl_policy)).toEqual(Array(3).fill(TLS_POLICY));
    expect(tls.filter((l) => l.port === 80).map((l) => l.default_action[0].redirect)).toEqual(
      Array(3).fill({ port: "443", protocol: "HTTPS", status_code: "HTTP_301" }),
    );
  });
});

describe("synthesis warns, once each, about the load balancers' certificate and the admin ranges", () => {
  /** The app's warnings about certificateArn or dockerHost.adminCidrs, as [construct path, message]. */
  const warnings = (overrides: unknown = {}): [string, string][] => {
    const { aws, docker } = buildStacks(overrides);
    return [aws, docker]
      .flatMap((stack) => stack.node.findAll())
      .flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m): [string, string] => [c.node.path, m.data]))
      .filter(([, message]) => /certificateArn|dockerHost\.adminCidrs|Application Load Balancers/.test(message));
  };

  test("with the built-in settings: plain HTTP, naming certificateArn, and an empty adminCidrs", () => {
    expect(warnings()).toEqual([
      ["aws", expect.stringMatching(/^certificateArn is null, so the load balancers serve plain, unencrypted HTTP .*plainHttp\.reason allows: "The built-in settings are for trying the stack out.*Set certificateArn to an ACM certificate in us-west-1/)],
      ["aws/docker-host", expect.stringMatching(/^dockerHost\.adminCidrs is empty: /)],
    ]);
  });

  test("none with a certificate and an admin range", () => {
    expect(warnings({ certificateArn: CERTIFICATE, dockerHost: { adminCidrs: ["198.51.100.0/24", "10.0.0.0/8"] } })).toEqual([]);
  });

  test.each([
    [["0.0.0.0/0"], null, /^dockerHost\.adminCidrs holds 0\.0\.0\.0\/0: the Docker API \(port 2376, behind its client certificate\) faces the whole internet\. Set it to the address ranges you administer from\.$/],
    [["198.51.100.0/24", "0.0.0.0/1", "128.0.0.0/1"], null, /^dockerHost\.adminCidrs holds 0\.0\.0\.0\/1, 128\.0\.0\.0\/1: .* faces a large part of the internet/],
    [["2.0.0.0/7"], "ops", /^dockerHost\.adminCidrs holds 2\.0\.0\.0\/7: the Docker API \(port 2376, behind its client certificate\) and SSH face a large part/],
  ])("adminCidrs %j (key pair %s): a range of /7 or wider is named once, with the setting", (adminCidrs, keyPair, message) => {
    expect(warnings({ certificateArn: CERTIFICATE, dockerHost: { adminCidrs, keyPair } })).toEqual([["aws/docker-host", expect.stringMatching(message)]]);
  });

  test("more load-balanced services than a region's default quota of load balancers: named with the quota", () => {
    const services = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`s${i}`, { cluster: "a", taskDefinition: "task-definitions/webtask.json", loadBalancer: { container: "webtask", containerPort: 1337 } }]));
    const quota = (overrides: object) => warnings(overrides).filter(([, m]) => m.includes("Application Load Balancers per Region"));
    // The defaults have three load-balanced services.
    expect(quota({ certificateArn: CERTIFICATE, services: services(47) })).toEqual([]);
    expect(quota({ certificateArn: CERTIFICATE, services: services(48) })).toEqual([
      ["aws", expect.stringMatching(/^51 services have a loadBalancer, each an Application Load Balancer of its own: a region takes 50 unless the quota/)],
    ]);
  });

  test("more adminCidrs than a security group's default quota of inbound rules: named with the quota, as AWS would refuse them", () => {
    const ranges = (count: number) => Array.from({ length: count }, (_, i) => `198.51.100.${i}/32`);
    expect(warnings({ certificateArn: CERTIFICATE, dockerHost: { adminCidrs: ranges(60), keyPair: "ops" } })).toEqual([]);
    expect(warnings({ certificateArn: CERTIFICATE, dockerHost: { adminCidrs: ranges(61) } })).toEqual([
      [
        "aws/docker-host",
        'dockerHost.adminCidrs holds 61 ranges, one inbound rule each: a security group takes 60 unless the quota "Inbound or outbound rules per security group" is raised, and deploy fails with RulesPerSecurityGroupLimitExceeded. Raise that quota first, or list fewer, wider ranges.',
      ],
    ]);
  });
});

describe("cluster A: one instance with the persistent data volume", () => {
  test("is named berlin and its instance joins it, from the ECS AMI's SSM parameter", () => {
    expect(named(stack.json, "aws_ecs_cluster", "cluster-a").name).toBe("berlin");
    const instance = named(stack.json, "aws_instance", "cluster-a");
    expect(renderedTemplate(stack, instance.user_data)).toContain("ECS_CLUSTER=berlin");
    expect(instance.ami).toMatch(/^\$\{data\.aws_ssm_parameter\.ecs-ami\.insecure_value\}$/);
    expect(stack.json.data!.aws_ssm_parameter["ecs-ami"].name).toBe(
      "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    );
    expect(stack.text).not.toMatch(/"ami-[0-9a-f]+"/);
  });

  test("attaches the data volume as /dev/xvdh in the instance's zone and mounts it at /data", () => {
    expect(stack.text).toHaveResourceWithProperties(VolumeAttachment, { device_name: "/dev/xvdh" });
    const attachment = named(stack.json, "aws_volume_attachment", "cluster-a");
    expect(referencedAddress(attachment.instance_id)).toMatch(/^aws_instance\.cluster-a_/);
    const volume = named(stack.json, "aws_ebs_volume", "cluster-a");
    expect(volume.availability_zone).toMatch(/^\$\{aws_subnet\.network_public-0_.*\.availability_zone\}$/);
    expect(named(stack.json, "aws_instance", "cluster-a").subnet_id).toMatch(/aws_subnet\.network_public-0_/);
    expect(renderedTemplate(stack, named(stack.json, "aws_instance", "cluster-a").user_data)).toMatch(
      /^ExecStart=\/usr\/local\/sbin\/data-volume\.sh \$\{aws_ebs_volume\.cluster-a_[^}]+\.id\} \/dev\/xvdh \/data$/m,
    );
  });

  test("without a volume ID the stack creates an encrypted volume it refuses to destroy", () => {
    expect(stack.text).toHaveResourceWithProperties(EbsVolume, { encrypted: true, lifecycle: { prevent_destroy: true } });
  });

  test("with a volume ID the existing volume is attached, never created, and its zone is checked", () => {
    expect(Object.keys(resourcesOf(withOptions.json, "aws_ebs_volume")).filter((n) => n.includes("cluster-a"))).toEqual([]);
    const lookup = Object.values(withOptions.json.data!.aws_ebs_volume)[0] as any;
    expect(lookup.filter).toEqual([{ name: "volume-id", values: ["vol-0123456789abcdef0"] }]);
    expect(named(withOptions.json, "aws_volume_attachment", "cluster-a").volume_id).toMatch(/^\$\{data\.aws_ebs_volume\./);
    const [check] = named(withOptions.json, "aws_instance", "cluster-a").lifecycle.precondition;
    expect(check.condition).toMatch(/data\.aws_ebs_volume\..*\.availability_zone == aws_subnet\./);
    expect(check.error_message).toContain("network.availabilityZones");
  });

  test("the boot script finds the NVMe name and formats only a blank device", () => {
    const script = renderedTemplate(stack, named(stack.json, "aws_instance", "cluster-a").user_data);
    expect(script).toContain("/dev/disk/by-id");
    expect(script).toContain("nvme-Amazon_Elastic_Block_Store_$${volume_id/-/}");
    expect(script).toMatch(/if \[ "\$probe" -eq 2 \]; then\n\s+mkfs\.xfs/);
  });
});

describe("cluster B: autoscaling group behind a capacity provider", () => {
  test("is named munich; a launch template (no launch configuration) feeds a 1..2 group with ELB health checks", () => {
    expect(named(stack.json, "aws_ecs_cluster", "cluster-b").name).toBe("munich");
    expect(resourcesOf(stack.json, "aws_launch_configuration")).toEqual({});
    expect(stack.text).toHaveResourceWithProperties(AutoscalingGroup, {
      min_size: 1,
      max_size: 2,
      desired_capacity: 1,
      health_check_type: "ELB",
      health_check_grace_period: 300,
    });
    expect(only(stack.json, "aws_autoscaling_group").launch_template.id).toMatch(/aws_launch_template\./);
    const userData = only(stack.json, "aws_launch_template").user_data;
    expect(userData).toMatch(/^\$\{base64encode\(templatefile\("templates\/cluster-b\/capacity\/boot\.sh", \{\}\)\)\}$/);
    expect(renderedTemplate(stack, userData)).toContain("\nECS_CLUSTER=munich\n");
  });

  test("is attached to the cluster through a capacity provider with managed scaling", () => {
    expect(stack.text).toHaveResource(EcsCapacityProvider);
    expect(only(stack.json, "aws_ecs_capacity_provider").auto_scaling_group_provider).toMatchObject({
      auto_scaling_group_arn: expect.stringMatching(/aws_autoscaling_group\./),
      managed_scaling: { status: "ENABLED", target_capacity: 100 },
    });
    const association = only(stack.json, "aws_ecs_cluster_capacity_providers");
    expect(association.cluster_name).toMatch(/aws_ecs_cluster\.cluster-b_/);
    expect(association.capacity_providers).toEqual([expect.stringMatching(/aws_ecs_capacity_provider\./)]);
  });

  test("bounds come from settings", () => {
    const s = synthesize(buildStacks({ clusters: { b: { capacity: { minSize: 2, maxSize: 5, desiredCapacity: 3 } } } }).aws);
    expect(only(s.json, "aws_autoscaling_group")).toMatchObject({ min_size: 2, max_size: 5, desired_capacity: 3 });
  });
});

describe("every instance", () => {
  test("requires IMDSv2 with hop limit 1 and has an encrypted root volume", () => {
    const imdsv2 = { http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 };
    const instances = all(stack, "aws_instance");
    expect(instances).toHaveLength(2); // cluster A's container instance and the Docker host
    for (const instance of instances) {
      expect(instance.metadata_options).toEqual(imdsv2);
      expect(instance.root_block_device).toMatchObject({ encrypted: true, volume_type: "gp3" });
    }
    const template = only(stack.json, "aws_launch_template");
    expect(template.metadata_options).toEqual(imdsv2);
    expect(template.block_device_mappings[0].ebs.encrypted).toBe("true");
  });
});

describe("task definitions", () => {
  const definitions = (s: Synthesized): Record<string, any> =>
    Object.fromEntries(all(s, "aws_ecs_task_definition").map((td) => [td.family, td]));

  test("come from the four files, with the seed's fields, on EC2 in bridge mode", () => {
    const tds = definitions(stack);
    expect(Object.keys(tds).sort()).toEqual(["soa-api", "soa-bot", "soa-db", "soa-web"]);
    for (const [family, td] of Object.entries(tds)) {
      expect(td).toMatchObject({ network_mode: "bridge", requires_compatibilities: ["EC2"] });
      const [container] = documentOf(td.container_definitions);
      expect(container).toMatchObject({
        name: `${family.slice(4)}task`,
        image: "johannesboyne/webexample",
        cpu: 120,
        memory: 90,
        essential: true,
      });
    }
  });

  test("send logs to a CloudWatch log group with a retention", () => {
    for (const td of all(stack, "aws_ecs_task_definition")) {
      const [container] = documentOf(td.container_definitions);
      expect(container.logConfiguration.logDriver).toBe("awslogs");
      expect(container.logConfiguration.options["awslogs-group"]).toMatch(/aws_cloudwatch_log_group\./);
    }
    for (const group of all(stack, "aws_cloudwatch_log_group")) expect(group.retention_in_days).toBe(30);
  });

  test("dbtask mounts host path /data/db as persistent_data", () => {
    const db = definitions(stack)["soa-db"];
    expect(db.volume).toEqual([{ name: "persistent_data", host_path: "/data/db" }]);
    expect(documentOf(db.container_definitions)[0].mountPoints[0]).toMatchObject({
      sourceVolume: "persistent_data",
      containerPath: "/data/db",
    });
  });
});

describe("services", () => {
  const services = (s: Synthesized): Record<string, any> =>
    Object.fromEntries(all(s, "aws_ecs_service").map((x) => [x.name, x]));

  test("web and db run on cluster A, api and bot on cluster B; bot has no load balancer", () => {
    const byName = services(stack);
    expect(Object.keys(byName).sort()).toEqual(["api", "bot", "db", "web"]);
    for (const name of ["web", "db"]) {
      expect(byName[name].cluster).toMatch(/aws_ecs_cluster\.cluster-a_/);
      expect(byName[name].launch_type).toBe("EC2");
    }
    for (const name of ["api", "bot"]) {
      expect(byName[name].cluster).toMatch(/aws_ecs_cluster\.cluster-b_/);
      expect(byName[name].capacity_provider_strategy[0].capacity_provider).toMatch(/aws_ecs_capacity_provider\./);
    }
    expect(byName.bot.load_balancer).toBeUndefined();
    expect(byName.web.load_balancer[0]).toMatchObject({ container_name: "webtask", container_port: 1337 });
  });

  test("roll back failed deployments with the circuit breaker", () => {
    for (const svc of Object.values(services(stack))) {
      expect(svc.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
    }
  });

  test("db keeps one writer on the data volume and runs only where it is mounted", () => {
    const db = services(stack).db;
    expect(db).toMatchObject({ deployment_minimum_healthy_percent: 0, deployment_maximum_percent: 100 });
    expect(db.placement_constraints).toEqual([{ type: "memberOf", expression: "attribute:data-volume == mounted" }]);
    expect(renderedTemplate(stack, named(stack.json, "aws_instance", "cluster-a").user_data)).toContain(
      'ECS_INSTANCE_ATTRIBUTES={"data-volume":"mounted"}',
    );
  });

  test("api scales its task count with a target-tracking policy on CPU", () => {
    const target = only(stack.json, "aws_appautoscaling_target");
    expect(target).toMatchObject({ min_capacity: 1, max_capacity: 4, scalable_dimension: "ecs:service:DesiredCount" });
    expect(target.resource_id).toMatch(/^service\/\$\{aws_ecs_cluster\.cluster-b_.*\}\/\$\{aws_ecs_service\.service-api_/);
    const policy = only(stack.json, "aws_appautoscaling_policy");
    expect(policy.policy_type).toBe("TargetTrackingScaling");
    expect(policy.target_tracking_scaling_policy_configuration).toMatchObject({
      target_value: 60,
      predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" },
    });
    expect(services(stack).api.lifecycle).toEqual({ ignore_changes: ["desired_count"] });
  });
});

describe("private registry", () => {
  test("credentials come from the Secrets Manager ARN as repositoryCredentials, never from user data", () => {
    for (const td of all(withOptions, "aws_ecs_task_definition")) {
      expect(documentOf(td.container_definitions)[0].repositoryCredentials).toEqual({ credentialsParameter: SECRET });
    }
    const policy = named(withOptions.json, "aws_iam_role_policy", "task-execution-role");
    expect(documentOf(policy.policy).Statement).toEqual([
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET] },
    ]);
    for (const s of [stack, withOptions]) expect(s.text).not.toMatch(/ECS_ENGINE_AUTH/);
  });

  test("without a secret, containers have no repositoryCredentials and no inline policy exists", () => {
    for (const td of all(stack, "aws_ecs_task_definition")) {
      expect(documentOf(td.container_definitions)[0].repositoryCredentials).toBeUndefined();
    }
    expect(Object.keys(resourcesOf(stack.json, "aws_iam_role_policy")).filter((n) => n.includes("task-execution-role"))).toEqual([]);
  });
});

describe("outputs", () => {
  test("give each load balancer's DNS name and the cluster names", () => {
    const outputs = stack.json.output!;
    expect(Object.keys(outputs.load_balancer_dns_names.value as object).sort()).toEqual(["api", "db", "web"]);
    expect((outputs.load_balancer_dns_names.value as any).web).toMatch(/^\$\{aws_lb\.service-web_.*\.dns_name\}$/);
    expect(Object.keys(outputs.cluster_names.value as object)).toEqual(["a", "b"]);
  });
});

describe("state", () => {
  test("is local by default, at a path relative to the project, never absolute", () => {
    expect(stack.json.terraform.backend).toEqual({ local: { path: "../../../terraform-state/aws.tfstate" } });
    expect(stack.text).not.toMatch(/"\/(home|root|tmp|work|Users)\//);
  });

  test("is S3, encrypted with lock files, when settings name a bucket", () => {
    expect(withOptions.json.terraform.backend).toEqual({
      s3: {
        bucket: "my-state-bucket",
        key: "team/soa/aws.tfstate",
        region: "us-west-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });
});
