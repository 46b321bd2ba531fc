// What Terraform itself reads back from the three ways user text and documents reach it (literal(),
// jsonDocument(), template files), in both outputs: the JSON configuration and the HCL of `cdktf synth --hcl`.
// Real Terraform applies a configuration of outputs only (no provider needed) and prints what it evaluated.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Fn, TerraformOutput, TerraformStack } from "cdktf";
import fc from "fast-check";
import { jsonDocument } from "../../constructs/json-document";
import { decodeJsonDocument } from "../../policy/synthesized";
import { type BootTemplate, fillTemplate } from "../../constructs/boot-config";
import { literal } from "../../constructs/literal";
import { TemplateFile } from "../../constructs/template-file";
import { scratchStack, terraformAvailable, terraformOutputs } from "../helpers";

// Characters that mean something to HCL, JSON, Terraform's templates or cdktf's converter.
const TRICKY = ["$", "{", "}", "%", '"', "\\", "\n", "\r", "\t", "[", "]", "=", "#", "<", ">", "&", "0", "7", "-", " ", "é", "🙂", "\u0000", "\u007f", "\u2028", "EOF", "a"];
const SAMPLES = [
  "${file(\"/etc/hostname\")}",
  "%{ if true }x%{ endif }",
  "$${already} %%{escaped}",
  'say "hi" \\ back\\slash \\" \\\\',
  "line one\nline two\n",
  "[not a list]",
  "{not: an object}",
  '"quoted"',
  "123",
  "-5",
  "",
  "EOF",
  ...fc.sample(fc.string({ unit: fc.constantFrom(...TRICKY), maxLength: 12 }), { numRuns: 150, seed: 20261123 }),
];

// Each sample at the start of a line (so no indentation is added), right before a Terraform variable.
const key = (i: number) => `sample_${[...String(i)].map((d) => "abcdefghij"[Number(d)]).join("")}`;
const TEMPLATE = SAMPLES.map((_, i) => `{{${key(i)}}}{{v}}\n--\n`).join("");
const TEMPLATE_VALUES = { v: Fn.lower("ABC"), ...Object.fromEntries(SAMPLES.map((sample, i) => [key(i), sample])) };

const run = terraformAvailable() ? test : test.skip;

function applyOutputs(hcl: boolean): Record<string, unknown> {
  const { app, outdir } = scratchStack("strings", hcl, (stack) => {
    new TerraformOutput(stack, "literal", { value: SAMPLES.map(literal) });
    new TerraformOutput(stack, "document", {
      value: jsonDocument({ list: SAMPLES, keyed: Object.fromEntries(SAMPLES.map((s, i) => [`${i}:${s}`, i])), number: 1.5, flag: true, nothing: null }),
    });
    const file = new TemplateFile(stack, "file", { fileName: "text.tpl", template: fillTemplate(TEMPLATE, TEMPLATE_VALUES, "terraform", "test") as BootTemplate });
    new TerraformOutput(stack, "template", { value: file.rendered });
  });
  try {
    app.synth();
    return terraformOutputs(join(outdir, "stacks", "strings"));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe.each([
  ["JSON", false],
  ["HCL (cdktf synth --hcl)", true],
])("Terraform reads back user text exactly, from the %s output", (_, hcl) => {
  let outputs: Record<string, unknown>;
  beforeAll(() => {
    if (terraformAvailable()) outputs = applyOutputs(hcl);
  }, 120_000);

  run("literal(): every string as written", () => {
    expect(outputs.literal).toEqual(SAMPLES);
  });

  run("jsonDocument(): the same data, keys included, and decodeJsonDocument() agrees with Terraform", () => {
    const expected = { list: SAMPLES, keyed: Object.fromEntries(SAMPLES.map((s, i) => [`${i}:${s}`, i])), number: 1.5, flag: true, nothing: null };
    expect(JSON.parse(outputs.document as string)).toEqual(expected);
  });

  run("template files: literal text as written, variables filled in", () => {
    // A multi-line value loses one final newline, as renderBootConfig() documents.
    expect(outputs.template).toBe(SAMPLES.map((sample) => `${sample.replace(/\n$/, "")}abc\n--\n`).join(""));
  });
});

test("decodeJsonDocument() reads what jsonDocument() synthesizes, references included", () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "decode-")), skipValidation: true, stackTraces: false });
  const stack = new TerraformStack(app, "decode");
  const reference = Fn.lower("ARN");
  const value = { Statement: [{ Resource: [reference, `${reference}/*`], Note: SAMPLES }], n: -2.5e-3 };
  new TerraformOutput(stack, "doc", { value: jsonDocument(value) });
  const synthesized = stack.toTerraform() as { output: Record<string, { value: string }> };
  expect(decodeJsonDocument(synthesized.output.doc.value)).toEqual({
    Statement: [{ Resource: ['${lower("ARN")}', '${lower("ARN")}/*'], Note: SAMPLES }],
    n: -2.5e-3,
  });
  rmSync(app.outdir, { recursive: true, force: true });
});
