// Environments from one codebase: each has its own state, resource names, certificates and tags; no environment
// set keeps today's output.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Synthesized, buildStacks, runApp, synthesize } from "../helpers";

/** Names AWS requires to be unique in an account and region, by resource type and attribute. */
const NAME_ATTRIBUTES = ["name", "name_prefix", "bucket_prefix", "family"];
/** Names unique within their parent only: a role's inline policy, a plan's selection, a cluster's services. */
const SCOPED = new Set(["aws_iam_role_policy", "aws_backup_selection", "aws_iam_role_policy_attachment", "aws_ecs_service"]);

function names(s: Synthesized): string[] {
  return Object.entries(s.json.resource).flatMap(([type, resources]) =>
    SCOPED.has(type)
      ? []
      : Object.values(resources).flatMap((r: any) => NAME_ATTRIBUTES.filter((a) => typeof r[a] === "string").map((a) => `${type}.${a}=${r[a]}`)),
  );
}

function environment(overrides: Record<string, unknown>) {
  const stacks = buildStacks(overrides);
  return { aws: synthesize(stacks.aws), docker: synthesize(stacks.docker) };
}

const none = environment({});
const staging = environment({ environment: "staging" });
const prod = environment({ environment: "prod" });

test("no environment keeps today's state location and names", () => {
  expect(none.aws.json.terraform.backend).toEqual({ local: { path: "../../../terraform-state/aws.tfstate" } });
  expect(names(none.aws)).toContainEqual("aws_ecs_cluster.name=berlin");
  expect(names(none.aws)).toContainEqual("aws_lb.name=soa-web");
});

test("two environments share no state location, locally or in S3", () => {
  for (const stack of ["aws", "docker"] as const) {
    expect(staging[stack].json.terraform.backend).toEqual({ local: { path: `../../../terraform-state/staging/${stack}.tfstate` } });
    expect(prod[stack].json.terraform.backend).toEqual({ local: { path: `../../../terraform-state/prod/${stack}.tfstate` } });
  }
  const s3 = (env: string) => synthesize(buildStacks({ environment: env, state: { bucket: "my-state" } }).aws).json.terraform.backend.s3.key;
  expect([s3("staging"), s3("prod")]).toEqual(["soa/staging/aws.tfstate", "soa/prod/aws.tfstate"]);
  // The docker stack reads the aws stack's outputs from its own environment's state.
  const remote = Object.values(staging.docker.json.data!.terraform_remote_state)[0] as any;
  expect(remote.config.path).toBe("../../../terraform-state/staging/aws.tfstate");
});

test("two environments share no resource name that AWS requires to be unique", () => {
  const a = new Set(names(staging.aws));
  const shared = names(prod.aws).filter((n) => a.has(n));
  expect(shared).toEqual([]);
  expect(names(staging.aws)).toEqual(expect.arrayContaining(["aws_ecs_cluster.name=berlin-staging", "aws_lb.name=soa-staging-web"]));
  // And none with the unnamed environment either.
  const unnamed = new Set(names(none.aws));
  expect(names(staging.aws).filter((n) => unnamed.has(n))).toEqual([]);
});

test("each environment has its own certificates and carries an Environment tag", () => {
  expect(staging.docker.json.provider.docker[0].key_material).toBe('${file("../../../certs/staging/key.pem")}');
  expect(prod.docker.json.provider.docker[0].key_material).toBe('${file("../../../certs/prod/key.pem")}');
  expect(staging.aws.json.provider.aws[0].default_tags[0].tags).toMatchObject({ Environment: "staging", Project: "soa" });
  expect(none.aws.json.provider.aws[0].default_tags[0].tags).not.toHaveProperty("Environment");
});

test("synthesizing into a stack directory Terraform set up for another environment's state warns, naming both states", () => {
  const out = mkdtempSync(join(tmpdir(), "environment-switch-"));
  const settings = (environment: string) => {
    const file = join(out, `${environment}.json`);
    writeFileSync(file, JSON.stringify({ environment }));
    return file;
  };
  // What `terraform init` recorded for staging's aws stack (the docker stack's directory was never initialized).
  const stackDir = join(out, "cdktf.out", "stacks", "aws");
  mkdirSync(join(stackDir, ".terraform"), { recursive: true });
  const record = { version: 3, backend: { type: "local", config: { path: "../../../terraform-state/staging/aws.tfstate", workspace_dir: null } } };
  writeFileSync(join(stackDir, ".terraform", "terraform.tfstate"), JSON.stringify(record));
  const warnings = (environment: string) => {
    expect(runApp(settings(environment), join(out, "cdktf.out")).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, "cdktf.out", "manifest.json"), "utf8"));
    return Object.values(manifest.stacks).flatMap((stack: any) => stack.annotations.map((a: { message: string }) => a.message as string)).filter((m) => m.includes("was initialized"));
  };
  try {
    expect(warnings("prod")).toEqual([
      `${stackDir} was initialized for the state at ${join(out, "terraform-state", "staging", "aws.tfstate")}, but these settings put it at ` +
        `${join(out, "terraform-state", "prod", "aws.tfstate")}: npm run diff and deploy refuse this directory unless given --migrate-state, which moves ` +
        "the state from the one to the other. Unless this stack's state really moved, synthesize each environment, and each region of one, into its own " +
        "output directory (--output=cdktf.out.<environment>)",
    ]);
    expect(warnings("staging")).toEqual([]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
