// One environment in two regions: IAM names, global to the account, carry the region, and so can the state key;
// an existing deployment's state key stays where it is unless its owner moves it.
import { AWS_REGIONS } from "../../settings/aws-rules";
import { type Synthesized, buildStacks, resourcesOf, synthesize } from "../helpers";

/** IAM names, which are unique in the whole account whatever the region. */
const ACCOUNT_WIDE = ["aws_iam_role", "aws_iam_instance_profile", "aws_iam_policy", "aws_iam_user", "aws_iam_group"];

const accountWideNames = (s: Synthesized) =>
  ACCOUNT_WIDE.flatMap((type) => Object.values(resourcesOf(s.json, type)).map((r: any) => `${type}.name=${r.name ?? r.name_prefix}`));
const warnings = (s: Synthesized) => s.stack.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
const aws = (overrides: Record<string, unknown>) => synthesize(buildStacks(overrides).aws);

test("IAM roles and the instance profile name the region, and two regions of one environment share none", () => {
  const west = aws({ environment: "prod" });
  const central = aws({ environment: "prod", region: "eu-central-1" });
  expect(accountWideNames(west).sort()).toEqual([
    "aws_iam_instance_profile.name=soa-prod-us-west-1-ecs-instance",
    "aws_iam_role.name=soa-prod-us-west-1-backup",
    "aws_iam_role.name=soa-prod-us-west-1-ecs-instance",
    "aws_iam_role.name=soa-prod-us-west-1-ecs-task-execution",
    "aws_iam_role.name=soa-prod-us-west-1-vpc-flow-logs",
  ]);
  const shared = accountWideNames(central).filter((n) => accountWideNames(west).includes(n));
  expect(shared).toEqual([]);
});

test("the longest names fit IAM's limits: 64 characters for a role, 128 for an instance profile", () => {
  const region = [...AWS_REGIONS].sort((a, b) => b.length - a.length)[0];
  const longest = aws({ project: "abcdefghijkl", environment: "abcdefgh", region });
  for (const [type, limit] of [["aws_iam_role", 64], ["aws_iam_instance_profile", 128]] as const) {
    for (const r of Object.values(resourcesOf(longest.json, type))) expect((r as any).name.length).toBeLessThanOrEqual(limit);
  }
});

test("a renamed role, its policies and the instance profile are made before the old ones go, so no service is left without one", () => {
  const stack = aws({});
  for (const type of ["aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_instance_profile"]) {
    const resources = Object.values(resourcesOf(stack.json, type));
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources) expect(r.lifecycle).toEqual({ create_before_destroy: true });
  }
});

describe("state key", () => {
  test("with keyIncludesRegion, names the region after the environment, locally and in S3", () => {
    const local = buildStacks({ environment: "prod", state: { keyIncludesRegion: true } });
    expect(synthesize(local.aws).json.terraform.backend).toEqual({ local: { path: "../../../terraform-state/prod/us-west-1/aws.tfstate" } });
    // The docker stack reads the aws stack's outputs from that same place.
    const remote = Object.values(synthesize(local.docker).json.data!.terraform_remote_state)[0] as any;
    expect(remote.config.path).toBe("../../../terraform-state/prod/us-west-1/aws.tfstate");
    const s3 = (region: string) =>
      aws({ environment: "prod", region, state: { bucket: "my-state", keyIncludesRegion: true } }).json.terraform.backend.s3;
    expect([s3("us-west-1").key, s3("eu-central-1").key]).toEqual(["soa/prod/us-west-1/aws.tfstate", "soa/prod/eu-central-1/aws.tfstate"]);
    expect(warnings(aws({ state: { keyIncludesRegion: true } })).join("\n")).not.toContain("keyIncludesRegion");
  });

  test("unset, stays where an existing deployment's state is, and says so at every synthesis", () => {
    const unset = aws({ environment: "prod", state: { bucket: "my-state" } });
    expect(unset.json.terraform.backend.s3.key).toBe("soa/prod/aws.tfstate");
    expect(warnings(unset)).toContainEqual(expect.stringContaining("state.keyIncludesRegion is not set, so the aws stack's state is at s3://my-state/soa/prod/aws.tfstate"));
    const kept = aws({ environment: "prod", state: { bucket: "my-state", keyIncludesRegion: false } });
    expect(kept.json.terraform.backend.s3.key).toBe("soa/prod/aws.tfstate");
    expect(warnings(kept).join("\n")).not.toContain("keyIncludesRegion");
  });
});
