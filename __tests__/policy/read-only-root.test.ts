// Policy rule CKV_AWS_336 (read-only root filesystems of ECS containers), as checkov's ECSContainerReadOnlyRoot
// reads it: every container of a task definition has "readonlyRootFilesystem": true. And its suppression, for one
// container at a time, from services.<key>.readonlyRootFilesystemExceptions.
import { Aspects, TerraformStack, Testing } from "cdktf";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { EcsCluster } from "../../constructs/ecs-cluster";
import { EcsService } from "../../constructs/ecs-service";
import { jsonDocument } from "../../constructs/json-document";
import { PolicyChecks, checkStack, suppressRule, suppressionsIn } from "../../policy/policy-checks";
import { RULES } from "../../policy/rules";
import { resolveSettings } from "../../settings/load";
import type { ContainerDefinition } from "../../settings/task-definitions";

const RULE = "CKV_AWS_336";
const app = (name: string, extra: Partial<ContainerDefinition> = {}): ContainerDefinition => ({ name, image: "busybox:1.36", memory: 64, ...extra });
const readOnly = (name: string) => app(name, { readonlyRootFilesystem: true });

function stack() {
  const s = new TerraformStack(Testing.app(), "t");
  new AwsProvider(s, "aws", { region: "us-west-1" });
  return s;
}

/** The rule's findings in a stack, as "path: detail". */
const findings = (s: TerraformStack) => checkStack(s).filter((v) => v.rule.id === RULE).map((v) => `${v.path}: ${v.detail}`);

/** An ECS service of `containers` on an autoscaled cluster, as the aws stack makes one. */
function service(s: TerraformStack, containers: ContainerDefinition[], exceptions?: Record<string, string>) {
  const subnet = new Subnet(s, "subnet", { vpcId: "vpc-1", cidrBlock: "10.20.0.0/24" });
  const cluster = new EcsCluster(s, "cluster", {
    settings: resolveSettings({}).clusters.b,
    resourceName: "soa-munich",
    imageId: "ami-0123456789abcdef0",
    subnets: [subnet],
    securityGroupIds: ["sg-1"],
    instanceProfileName: "p",
    instanceTags: {},
  });
  return new EcsService(s, "service-bot", {
    name: "bot",
    resourceName: "soa-bot",
    cluster,
    containerDefinitions: containers,
    executionRoleArn: "arn:aws:iam::123456789012:role/x",
    region: "us-west-1",
    logRetentionDays: 30,
    desiredCount: 1,
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    readonlyRootFilesystemExceptions: exceptions,
  });
}

test("the rule is registered, with what fixes it", () => {
  const rule = RULES.find((r) => r.id === RULE)!;
  expect(rule).toMatchObject({ title: "ECS containers have read-only root filesystems", types: ["aws_ecs_task_definition"] });
  expect(rule.fix).toMatch(/services\.<key>\.taskDefinition.*services\.<key>\.readonlyRootFilesystemExceptions\.<container>/);
});

describe("fires on every container that lacks it, whichever way the definitions are written", () => {
  test.each([
    ["JSON text", (v: unknown) => JSON.stringify(v)],
    ["jsonDocument()", jsonDocument],
  ])("%s", (_form, write) => {
    const s = stack();
    new EcsTaskDefinition(s, "task", {
      family: "task",
      containerDefinitions: write([readOnly("fine"), app("unset"), app("off", { readonlyRootFilesystem: false })]),
    });
    expect(findings(s)).toEqual([
      expect.stringMatching(/^t\/task: container unset: readonlyRootFilesystem is null, not true; fix: set "readonlyRootFilesystem": true on that container in the file services\.<key>\.taskDefinition names/),
      expect.stringMatching(/^t\/task: container off: readonlyRootFilesystem is false, not true; fix: /),
    ]);
  });

  test("and stops synthesis, as every rule does", () => {
    const s = stack();
    new EcsTaskDefinition(s, "task", { family: "task", containerDefinitions: JSON.stringify([app("web")]) });
    Aspects.of(s).add(new PolicyChecks());
    expect(() => Testing.synth(s)).toThrow(/^1 policy violation:\nt\/task: CKV_AWS_336 \(ECS containers have read-only root filesystems\): container web: /);
  });

  test("but not when every container has it", () => {
    const s = stack();
    new EcsTaskDefinition(s, "task", { family: "task", containerDefinitions: jsonDocument([readOnly("a"), readOnly("b")]) });
    expect(findings(s)).toEqual([]);
  });
});

describe("the shipped task definitions", () => {
  test("pass it, as the app builds their services, without exceptions", () => {
    for (const svc of Object.values(resolveSettings({}).services)) {
      expect(svc.readonlyRootFilesystemExceptions).toEqual({});
      const s = stack();
      service(s, svc.containerDefinitions);
      expect(findings(s)).toEqual([]);
    }
  });
});

describe("an exception in the service's settings", () => {
  const reason = "the vendor image unpacks its plugins under /opt at start";

  test("suppresses the rule for that container alone, with the reason", () => {
    const s = stack();
    const svc = service(s, [app("writer"), app("other"), readOnly("fine")], { writer: reason });
    expect(findings(s)).toEqual([expect.stringMatching(/^t\/service-bot\/task: container other: /)]);
    expect(suppressionsIn(s)).toEqual([
      { rule: RULE, subject: "container writer", reason: `container writer may write to its root filesystem: ${reason}`, path: svc.taskDefinition.node.path },
    ]);
  });

  test("must name a container of the task definition that is not read-only already", () => {
    expect(() => service(stack(), [readOnly("web")], { wbe: reason })).toThrow(
      /^EcsService t\/service-bot: readonlyRootFilesystemExceptions names wbe, not a container of the task definition \(web\)/,
    );
    expect(() => service(stack(), [readOnly("web")], { web: reason })).toThrow(/readonlyRootFilesystemExceptions names web, whose root filesystem is read-only already/);
  });
});

describe("a suppression for one subject", () => {
  test("covers only the findings that name it first, not one whose name merely begins the same", () => {
    const s = stack();
    const task = new EcsTaskDefinition(s, "task", { family: "task", containerDefinitions: JSON.stringify([app("app"), app("app2")]) });
    suppressRule(task, RULE, "a reason long enough to be accepted here", "container app");
    expect(findings(s)).toEqual([expect.stringMatching(/^t\/task: container app2: /)]);
  });

  test("needs a subject that is not blank", () => {
    const s = stack();
    expect(() => suppressRule(s, RULE, "a reason long enough to be accepted here", " ")).toThrow(/needs one, not " "/);
  });
});
