// Least privilege as AWS documents it: each trust policy names the account (and, where the service documents
// one, the source ARN) it may be assumed for; the flow log's role holds the VPC guide's permissions on its own
// group; a service that uses a role at once waits for the role's policies.
import { type Synthesized, buildStacks, documentOf, named, only, resourcesOf, synthesize } from "../helpers";

let stack: Synthesized;
beforeAll(() => {
  stack = synthesize(buildStacks().aws);
});

const roles = (s: Synthesized) => Object.entries(resourcesOf(s.json, "aws_iam_role"));
const trustOf = (role: any) => documentOf(role.assume_role_policy).Statement;
const ref = (s: Synthesized, type: string, attribute: string) => `\${data.${type}.${Object.keys(s.json.data![type])[0]}.${attribute}}`;

describe("trust policies", () => {
  test("every role's trust policy names this account, except the EC2 instance role, which AWS gives no such key", () => {
    const account = ref(stack, "aws_caller_identity", "account_id");
    const byService: Record<string, any[]> = Object.fromEntries(roles(stack).map(([, role]) => [trustOf(role)[0].Principal.Service, trustOf(role)]));
    expect(Object.keys(byService).sort()).toEqual(["backup.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com"]);
    for (const [service, statements] of Object.entries(byService)) {
      expect(statements).toHaveLength(1);
      if (service === "ec2.amazonaws.com") expect(statements[0].Condition).toBeUndefined();
      else expect(statements[0].Condition.StringEquals).toEqual({ "aws:SourceAccount": account });
    }
  });

  test("flow logs and ECS tasks are held to their own resources of this account and region, as their guides show", () => {
    const arn = (service: string, resource: string) =>
      `arn:${ref(stack, "aws_partition", "partition")}:${service}:${ref(stack, "aws_region", "name")}:${ref(stack, "aws_caller_identity", "account_id")}:${resource}`;
    const sourceArn = (fragment: string) => trustOf(named(stack.json, "aws_iam_role", fragment))[0].Condition.ArnLike;
    expect(sourceArn("flow-logs-role")).toEqual({ "aws:SourceArn": arn("ec2", "vpc-flow-log/*") });
    expect(sourceArn("task-execution-role")).toEqual({ "aws:SourceArn": arn("ecs", "*") });
    // AWS Backup documents no source ARN for its role (plan jobs, restores by hand, the lifecycle): the account only.
    expect(sourceArn("backups_role")).toBeUndefined();
  });

  test("the account, partition and region are read once for the whole stack", () => {
    for (const type of ["aws_caller_identity", "aws_partition", "aws_region"]) expect(Object.keys(stack.json.data![type])).toHaveLength(1);
  });
});

describe("the flow log's role", () => {
  test("may do what the VPC guide lists, on its own log group; listing groups, which no single group authorizes, on the region's", () => {
    const policy = documentOf(named(stack.json, "aws_iam_role_policy", "flow-logs-role").policy);
    const group = "${aws_cloudwatch_log_group.network_flow-logs_D7C94307.arn}";
    expect(policy.Statement).toEqual([
      { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [group, `${group}:*`] },
      { Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: [expect.stringMatching(/:logs:.*:log-group:\*$/)] },
    ]);
    // The group is ours, with its retention: the role may not make another.
    expect(JSON.stringify(policy)).not.toContain("logs:CreateLogGroup");
  });

  test("the flow log is created only once the role's policy is in place", () => {
    const policy = Object.keys(resourcesOf(stack.json, "aws_iam_role_policy")).find((n) => n.includes("flow-logs-role"));
    expect(only(stack.json, "aws_flow_log").depends_on).toEqual([`aws_iam_role_policy.${policy}`]);
  });
});

describe("what uses a role at once waits for its policies", () => {
  const policiesOf = (fragment: string) =>
    ["aws_iam_role_policy", "aws_iam_role_policy_attachment"].flatMap((type) =>
      Object.keys(resourcesOf(stack.json, type))
        .filter((name) => name.startsWith(`${fragment}_`))
        .map((name) => `${type}.${name}`),
    );

  test("every ECS service starts after the task execution role's policies (image pulls, logs)", () => {
    const execution = policiesOf("task-execution-role");
    expect(execution.length).toBeGreaterThan(0);
    const services = Object.values(resourcesOf(stack.json, "aws_ecs_service")) as { depends_on?: string[] }[];
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) expect(service.depends_on).toEqual(expect.arrayContaining(execution));
  });

  test("the container instance and the autoscaling group start after the instance role's policies (the ECS agent registers at boot)", () => {
    const instance = policiesOf("container-instance-role");
    expect(instance.length).toBeGreaterThan(0);
    const launchers = [...Object.values(resourcesOf(stack.json, "aws_instance")), ...Object.values(resourcesOf(stack.json, "aws_autoscaling_group"))] as {
      depends_on?: string[];
      tags?: Record<string, string>;
    }[];
    const ecs = launchers.filter((l) => !JSON.stringify(l).includes("docker-host"));
    expect(ecs).toHaveLength(2);
    for (const launcher of ecs) expect(launcher.depends_on).toEqual(expect.arrayContaining(instance));
  });
});
