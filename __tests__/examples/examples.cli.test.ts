// The settings files in examples/ are what users copy: each synthesizes through `npm run synth` as it is, and each
// shows what it is for (HTTPS and S3 state in production, a second environment beside it).
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../../settings/paths";
import { runSynth } from "../helpers";

const dir = join(projectRoot, "examples");
const work = mkdtempSync(join(tmpdir(), "examples-"));
const synthesized = (name: string) => {
  const out = join(work, name);
  const result = runSynth(join(dir, `${name}.json`), out);
  const stack = (s: string) => JSON.parse(readFileSync(join(out, "stacks", s, "cdk.tf.json"), "utf8"));
  return { ...result, aws: result.status === 0 ? stack("aws") : undefined };
};

test("the examples are the three the README names", () => {
  expect(readdirSync(dir).sort()).toEqual(["minimal.json", "production.json", "staging.json"]);
});

test.each(["minimal", "production", "staging"])("%s synthesizes as it is, with an admin range set and the region in its state key", (name) => {
  const result = synthesized(name);
  expect(result.stderr).not.toMatch(/Invalid settings|Policy check failed/);
  expect(result.status).toBe(0);
  expect(result.stdout).toBe("Generated Terraform code for the stacks: aws, docker\n");
  expect(result.stderr).not.toMatch(/adminCidrs is empty|keyIncludesRegion is not set/);
});

test("production serves HTTPS, keeps its state in S3 under its environment and region, and warns of nothing but what is missing beside it", () => {
  const { aws, stderr } = synthesized("production");
  const listeners = Object.values(aws.resource.aws_lb_listener) as { protocol: string; default_action: { type: string }[] }[];
  expect(listeners.some((l) => l.protocol === "HTTPS")).toBe(true);
  for (const l of listeners.filter((x) => x.protocol === "HTTP")) expect(l.default_action[0].type).toBe("redirect");
  expect(aws.terraform.backend.s3).toMatchObject({ bucket: "example-terraform-state", key: expect.stringMatching(/\/prod\/eu-central-1\/aws\.tfstate$/) });
  // Synthesized outside the project: the certificates and the readiness gate's script are looked for where those
  // stacks read them, beside it.
  expect(stderr.trim().split("\n")).toEqual([
    expect.stringMatching(new RegExp(`^WARN \\[aws/docker-host\\]: dockerHost\\.certsDir: there are no certificates in ${work}/certs/prod: `)),
    expect.stringMatching(new RegExp(`^WARN \\[aws/docker-host\\]: the readiness gate's script ${work}/dist/deploy/wait-for-docker\\.js is not there: `)),
  ]);
});

test("staging and production share no state location and no IAM name", () => {
  const [staging, prod] = [synthesized("staging").aws, synthesized("production").aws];
  const backend = (aws: any) => JSON.stringify(aws.terraform.backend);
  expect(backend(staging)).not.toEqual(backend(prod));
  const names = (aws: any) => Object.values(aws.resource.aws_iam_role).map((r: any) => r.name);
  expect(names(staging).filter((n) => names(prod).includes(n))).toEqual([]);
});
