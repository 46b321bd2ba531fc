// jsonDocument() in each output: JSON text in the JSON configuration (what scanners read), jsonencode() in the HCL
// of `cdktf synth --hcl`, and what real Terraform makes of both, references and template syntax included.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Fn, LocalBackend, TerraformLocal, TerraformOutput, TerraformStack } from "cdktf";
import { jsonDocument } from "../../constructs/json-document";
import { decodeJsonDocument, isJsonDocument } from "../../policy/synthesized";
import { terraformAvailable, terraformOutputs } from "../helpers";

const ARN = "arn:aws:s3:::bucket-1";
const HOSTILE = ['${file("/etc/hostname")}', "%{ if true }x%{ endif }", "$${already} %%{escaped}", 'say "hi" \\ \\"', "line\nnext\ttab", "cost $", "50%"];

/** A stack whose outputs are documents; `arn` is a reference (a local) holding ARN. */
function documents(hcl: boolean) {
  const outdir = mkdtempSync(join(tmpdir(), "json-document-"));
  // As `cdktf synth --hcl` asks for it: the App and each stack's synthesizer read the variable.
  process.env.SYNTH_HCL_OUTPUT = String(hcl);
  try {
    const app = new App({ outdir, skipValidation: true, stackTraces: false });
    const stack = new TerraformStack(app, "documents");
    new LocalBackend(stack, { path: "terraform.tfstate" });
    const arn = new TerraformLocal(stack, "arn", ARN).asString;
    const outputs = {
      policy: jsonDocument({ Statement: [{ Effect: "Allow", Resource: [arn, `${arn}/*`], Note: HOSTILE, Keyed: { "${k}": 1, "%{k}": 2 } }] }),
      list: jsonDocument([{ name: "app", memory: 64, essential: true, options: { group: arn } }]),
      // Not expressible as JSON text: a call (its quotes would break the JSON), a "$" right before a reference.
      call: jsonDocument({ Resource: Fn.lower("ARN") }),
      dollar: jsonDocument({ Price: `$${arn}` }),
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(stack, name, { value });
    return { app, stack, outdir };
  } finally {
    delete process.env.SYNTH_HCL_OUTPUT;
  }
}

function synthesizedValues(hcl: boolean): Record<string, string> {
  const { stack, outdir } = documents(hcl);
  rmSync(outdir, { recursive: true, force: true });
  const json = stack.toTerraform() as { output: Record<string, { value: string }> };
  return Object.fromEntries(Object.entries(json.output).map(([name, o]) => [name, o.value]));
}

/** The data of each output, with `arn` and `lowered` for what the reference and the call read as. */
const expected = (arn: string, lowered: string) => ({
  policy: { Statement: [{ Effect: "Allow", Resource: [arn, `${arn}/*`], Note: HOSTILE, Keyed: { "${k}": 1, "%{k}": 2 } }] },
  list: [{ name: "app", memory: 64, essential: true, options: { group: arn } }],
  call: { Resource: lowered },
});

/** Each document's data, read with `read`; `dollar` left out, as what it reads as is cdktf's jsonencode() rendering. */
const read = (values: Record<string, unknown>, fn: (v: string) => unknown) =>
  Object.fromEntries(Object.entries(values).filter(([k]) => k !== "dollar").map(([k, v]) => [k, fn(v as string)]));

describe("in the JSON configuration", () => {
  const values = synthesizedValues(false);

  test("a document of data and references is JSON text, references inside it as ${...}", () => {
    expect(isJsonDocument(values.policy)).toBe(false);
    expect(JSON.parse(values.policy)).toEqual({
      Statement: [
        {
          Effect: "Allow",
          Resource: ["${local.arn}", "${local.arn}/*"],
          Note: ['$${file("/etc/hostname")}', "%%{ if true }x%%{ endif }", "$$${already} %%%{escaped}", 'say "hi" \\ \\"', "line\nnext\ttab", "cost $", "50%"],
          Keyed: { "$${k}": 1, "%%{k}": 2 },
        },
      ],
    });
    expect(JSON.parse(values.list)).toEqual([{ name: "app", memory: 64, essential: true, options: { group: "${local.arn}" } }]);
  });

  test("what JSON text cannot carry stays jsonencode(): a call, a '$' right before a reference", () => {
    expect(isJsonDocument(values.call)).toBe(true);
    expect(isJsonDocument(values.dollar)).toBe(true);
  });

  test("decodeJsonDocument() reads either form back, template escapes undone", () => {
    expect(read(values, decodeJsonDocument)).toEqual(expected("${local.arn}", '${lower("ARN")}'));
  });
});

test("in HCL (cdktf synth --hcl), every document is jsonencode()", () => {
  const values = synthesizedValues(true);
  for (const value of Object.values(values)) expect(isJsonDocument(value)).toBe(true);
  expect(read(values, decodeJsonDocument)).toEqual(expected("${local.arn}", '${lower("ARN")}'));
});

const run = terraformAvailable() ? test : test.skip;

describe.each([
  ["JSON", false],
  ["HCL (cdktf synth --hcl)", true],
])("real Terraform evaluates each document to its data, from the %s output", (_, hcl) => {
  run(
    "references filled in, template syntax in the data left literal",
    () => {
      const { app, outdir } = documents(hcl);
      try {
        app.synth();
        const outputs = terraformOutputs(join(outdir, "stacks", "documents"));
        expect(read(outputs, JSON.parse)).toEqual(expected(ARN, "arn"));
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
