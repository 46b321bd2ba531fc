// Scanners read our JSON documents: every policy and container definition in the cdk.tf.json the app writes is read
// by checkov's rule (./scanner.ts), and the policy rules that read documents find on what was read what they should.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { EcsService } from "../../constructs/ecs-service";
import { jsonDocument } from "../../constructs/json-document";
import { composeApp, type Stacks } from "../../main";
import { suppressRule } from "../../policy/policy-checks";
import { RULES } from "../../policy/rules";
import { resolveSettings } from "../../settings/load";
import { encodedStrings, scannedDocuments, scannerRead } from "./scanner";

/** Synthesizes the app as `cdktf synth` does (JSON), after `change`; each stack's cdk.tf.json, parsed. */
function synthesizedFiles(change: (stacks: Stacks) => void = () => {}): Record<string, any> {
  const outdir = mkdtempSync(join(tmpdir(), "scanner-"));
  const before = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = "false";
  try {
    const app = new App({ outdir, skipValidation: true, stackTraces: false });
    change(composeApp(app, resolveSettings({})));
    app.synth();
    const stacks = readdirSync(join(outdir, "stacks"));
    return Object.fromEntries(stacks.map((s) => [s, JSON.parse(readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8"))]));
  } finally {
    if (before === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = before;
    rmSync(outdir, { recursive: true, force: true });
  }
}

const DOCUMENT_RULES = ["CKV_AWS_63", "CKV_AWS_355", "CKV_AWS_334"];

/**
 * The document rules' findings on what the scanner read of each element: each document as the JSON text of the
 * data read, or absent where nothing was (a scanner's check then passes it unread).
 */
function findingsOnScannerData(config: any): { address: string; rule: string; detail: string }[] {
  const read = new Map(scannedDocuments(config).map((d) => [`${d.address} ${d.path}`, d.read]));
  const out: { address: string; rule: string; detail: string }[] = [];
  for (const [type, elements] of Object.entries<Record<string, any>>(config.resource ?? {})) {
    for (const [name, body] of Object.entries(elements)) {
      const address = `${type}.${name}`;
      const seen = Object.fromEntries(
        Object.entries(body).map(([key, value]) => {
          if (!read.has(`${address} ${key}`)) return [key, value];
          const data = read.get(`${address} ${key}`);
          return [key, data === undefined ? undefined : JSON.stringify(data)];
        }),
      );
      for (const rule of RULES.filter((r) => DOCUMENT_RULES.includes(r.id) && r.check && (!r.types || r.types.includes(type)))) {
        for (const detail of rule.check!(seen, type)) out.push({ address, rule: rule.id, detail });
      }
    }
  }
  return out;
}

test("the rule: a string that parses as JSON is read as its data; ${jsonencode(...)} is not read at all", () => {
  expect(scannerRead('{"Statement":[{"Action":"*","Resource":"${aws_s3_bucket.b.arn}"}]}')).toEqual({
    Statement: [{ Action: "*", Resource: "${aws_s3_bucket.b.arn}" }],
  });
  expect(scannerRead('${jsonencode({"Statement" = [{"Action" = "*"}]})}')).toBeUndefined();
});

describe("the app's cdk.tf.json, as scanners read it", () => {
  let files: Record<string, any>;
  beforeAll(() => {
    files = synthesizedFiles();
  }, 60_000);

  test("every policy, trust policy and container definition is read as data", () => {
    const documents = Object.values(files).flatMap(scannedDocuments);
    // At least what the aws stack holds: trust policies, inline and bucket policies, the services' containers.
    expect([...new Set(documents.map((d) => `${d.type} ${d.path}`))]).toEqual(
      expect.arrayContaining(["aws_iam_role assume_role_policy", "aws_iam_role_policy policy", "aws_s3_bucket_policy policy", "aws_ecs_task_definition container_definitions"]),
    );
    for (const d of documents) {
      const expected = d.path === "container_definitions" ? expect.any(Array) : expect.objectContaining({ Statement: expect.any(Array) });
      expect({ at: `${d.address}.${d.path}`, read: d.read }).toEqual({ at: `${d.address}.${d.path}`, read: expected });
    }
  });

  test("no string anywhere is a jsonencode() no scanner reads", () => {
    for (const [stack, config] of Object.entries(files)) expect({ stack, encoded: encodedStrings(config) }).toEqual({ stack, encoded: [] });
  });

  test("references read as ${...} text inside the data", () => {
    const [bucketPolicy] = Object.values(files.aws.resource.aws_s3_bucket_policy) as any[];
    const resources = (scannerRead(bucketPolicy.policy) as any).Statement.flatMap((s: any) => [].concat(s.Resource));
    expect(resources).toContainEqual(expect.stringMatching(/^\$\{aws_s3_bucket\.[\w-]+\.arn\}\/\*$/));
  });

  test("the document rules find nothing in what was read", () => {
    expect(findingsOnScannerData(files.aws)).toEqual([]);
  });
});

test("what a scanner reads shows a privileged container and a wildcard policy to the document rules", () => {
  // Settings refuse a privileged container (settings/task-definitions.ts), so this one goes in through the typed
  // properties, with the rules suppressed so that the app writes the file.
  const bad = synthesizedFiles(({ aws }) => {
    const service = aws.node.findAll().find((c): c is EcsService => c instanceof EcsService && c.node.id === "service-bot")!;
    const task = service.taskDefinition;
    task.containerDefinitions = jsonDocument([
      {
        name: "bottask",
        image: "busybox:1.36",
        memory: 64,
        privileged: true,
        readonlyRootFilesystem: true,
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": service.logGroup.name } },
      },
    ]);
    suppressRule(task, "CKV_AWS_334", "on purpose: the scanner contract test must see this privileged container");
    const inline = aws.node.findAll().find((c): c is IamRolePolicy => c instanceof IamRolePolicy)!;
    inline.policy = jsonDocument({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: ["*", service.logGroup.arn] }] });
    for (const rule of ["CKV_AWS_63", "CKV_AWS_355"]) suppressRule(inline, rule, "on purpose: the scanner contract test must see this wildcard");
  });
  const findings = findingsOnScannerData(bad.aws);
  expect(findings.map((f) => [f.rule, f.address.split(".")[0]]).sort()).toEqual([
    ["CKV_AWS_334", "aws_ecs_task_definition"],
    ["CKV_AWS_355", "aws_iam_role_policy"],
    ["CKV_AWS_63", "aws_iam_role_policy"],
  ]);
  expect(findings.find((f) => f.rule === "CKV_AWS_334")).toMatchObject({ address: expect.stringContaining("service-bot"), detail: expect.stringContaining("bottask is privileged") });
}, 60_000);
