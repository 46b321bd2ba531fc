import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { EcsCluster } from "../../constructs/ecs-cluster";
import { PATCH_GROUP_TAG, PatchSchedule } from "../../constructs/patch-schedule";
import { resolveSettings } from "../../settings/load";
import { only, resourcesOf } from "../helpers";

const INSTANCE = "${aws_instance.berlin.id}";

function stackWith(build: (stack: TerraformStack) => void) {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "us-west-1" });
  build(stack);
  return { stack, json: JSON.parse(Testing.synth(stack)) };
}

/** The clusters the settings make, each in a stack of its own, synthesized. */
function clusters(overrides: unknown = {}) {
  const s = resolveSettings(overrides);
  return Object.entries(s.clusters).map(([key, settings]) => {
    let cluster!: EcsCluster;
    const { stack, json } = stackWith((stack) => {
      const subnet = new Subnet(stack, "subnet", { vpcId: "vpc-1", cidrBlock: "10.20.0.0/24", availabilityZone: "us-west-1a" });
      cluster = new EcsCluster(stack, `cluster-${key}`, {
        settings,
        resourceName: `soa-${settings.name}`,
        imageId: "ami-0123456789abcdef0",
        subnets: [subnet],
        securityGroupIds: ["sg-1"],
        instanceProfileName: "soa-ecs-instance",
        instanceTags: { Project: "soa" },
      });
    });
    return { key, cluster, stack, json };
  });
}

describe("PatchSchedule", () => {
  const { json } = stackWith((stack) => new PatchSchedule(stack, "patching", { name: "soa-berlin", instanceId: INSTANCE, schedule: "cron(0 6 ? * SUN *)", durationHours: 2 }));

  test("opens a maintenance window on the schedule, for the duration, with the last hour as cutoff", () => {
    expect(only(json, "aws_ssm_maintenance_window")).toEqual({
      name: "soa-berlin-patching",
      description: expect.stringMatching(/containers stop while it reboots/),
      schedule: "cron(0 6 ? * SUN *)",
      duration: 2,
      cutoff: 1,
      allow_unassociated_targets: false,
    });
  });

  test("targets the instance by its ID, and runs AWS-RunPatchBaseline on it: Install, rebooting if needed", () => {
    const target = only(json, "aws_ssm_maintenance_window_target");
    expect(target).toMatchObject({ resource_type: "INSTANCE", targets: [{ key: "InstanceIds", values: [INSTANCE] }] });
    const task = only(json, "aws_ssm_maintenance_window_task");
    const targetId = `\${aws_ssm_maintenance_window_target.${Object.keys(resourcesOf(json, "aws_ssm_maintenance_window_target"))[0]}.id}`;
    expect(task).toMatchObject({
      task_type: "RUN_COMMAND",
      task_arn: "AWS-RunPatchBaseline",
      max_concurrency: "1",
      targets: [{ key: "WindowTargetIds", values: [targetId] }],
      task_invocation_parameters: {
        run_command_parameters: {
          parameter: [
            { name: "Operation", values: ["Install"] },
            { name: "RebootOption", values: ["RebootIfNeeded"] },
          ],
        },
      },
    });
    // Systems Manager's service-linked role runs it: no role of ours, with wildcards, to keep.
    expect(task.service_role_arn).toBeUndefined();
    expect(task.task_invocation_parameters.run_command_parameters.service_role_arn).toBeUndefined();
  });

  test("installs what a baseline of its own approves, through a patch group of the instance's tag", () => {
    const baseline = only(json, "aws_ssm_patch_baseline");
    expect(baseline).toMatchObject({
      name: "soa-berlin",
      operating_system: "AMAZON_LINUX_2023",
      approval_rule: [{ approve_after_days: 7, patch_filter: [{ key: "CLASSIFICATION", values: ["Security"] }] }],
    });
    const baselineName = Object.keys(resourcesOf(json, "aws_ssm_patch_baseline"))[0];
    expect(only(json, "aws_ssm_patch_group")).toEqual({ baseline_id: `\${aws_ssm_patch_baseline.${baselineName}.id}`, patch_group: "soa-berlin" });
    expect(PATCH_GROUP_TAG).toBe("PatchGroup");
  });

  test("refuses, naming itself and the prop, a schedule SSM would refuse and a window without time to start", () => {
    const make = (schedule: string, durationHours: number) => () =>
      stackWith((stack) => new PatchSchedule(stack, "patching", { name: "x-berlin", instanceId: INSTANCE, schedule, durationHours }));
    expect(make("0 6 * * 0", 2)).toThrow(/^PatchSchedule test\/patching: schedule "0 6 \* \* 0": expected an SSM maintenance window schedule/);
    expect(make("cron(0 6 ? * SUN *)", 1)).toThrow(/^PatchSchedule test\/patching: durationHours 1: expected a whole number of hours from 2 to 24/);
    expect(make("cron(0 6 ? * SUN *)", 25)).toThrow(/durationHours 25/);
  });
});

describe("the clusters of the settings", () => {
  test("the single instance (berlin) is patched in place by default, tagged with its patch group; the autoscaled one is not", () => {
    const [a, b] = clusters();
    expect(a.cluster.containerInstance?.patching).toBeDefined();
    expect(only(a.json, "aws_ssm_maintenance_window")).toMatchObject({ name: "soa-berlin-patching", schedule: "cron(0 6 ? * SUN *)", duration: 2 });
    const instanceName = Object.keys(resourcesOf(a.json, "aws_instance"))[0];
    expect(only(a.json, "aws_ssm_maintenance_window_target").targets).toEqual([{ key: "InstanceIds", values: [`\${aws_instance.${instanceName}.id}`] }]);
    expect(only(a.json, "aws_instance").tags).toEqual({ Name: "soa-berlin", [PATCH_GROUP_TAG]: "soa-berlin" });
    // munich's instances come from the ECS AMI the launch template names; a new one rolls them (instance refresh).
    expect(b.cluster.autoScaling).toBeDefined();
    expect(resourcesOf(b.json, "aws_ssm_maintenance_window")).toEqual({});
    expect(only(b.json, "aws_autoscaling_group").instance_refresh).toMatchObject({ strategy: "Rolling" });
  });

  test("the schedule and duration come from the settings", () => {
    const [a] = clusters({ clusters: { a: { capacity: { patching: { schedule: "cron(30 2 ? * WED *)", durationHours: 4 } } } } });
    expect(only(a.json, "aws_ssm_maintenance_window")).toMatchObject({ schedule: "cron(30 2 ? * WED *)", duration: 4, cutoff: 1 });
  });

  test("turned off with a reason: nothing of it is made, no patch group tag, and synthesis warns, giving the reason", () => {
    const reason = "patched by hand through our change process, every Tuesday";
    const [a] = clusters({ clusters: { a: { capacity: { patching: { enabled: false, reason } } } } });
    expect(a.cluster.containerInstance?.patching).toBeUndefined();
    for (const type of ["aws_ssm_maintenance_window", "aws_ssm_maintenance_window_task", "aws_ssm_patch_baseline", "aws_ssm_patch_group"]) {
      expect(resourcesOf(a.json, type)).toEqual({});
    }
    expect(only(a.json, "aws_instance").tags).toEqual({ Name: "soa-berlin" });
    const warnings = a.cluster.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
    expect(warnings).toEqual([expect.stringContaining(`capacity.patching.enabled is false for cluster berlin: its instance gets no security updates until it is replaced (reason: ${reason})`)]);
  });
});
