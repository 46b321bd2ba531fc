// jsonDocument() in each output: JSON text in the JSON configuration (what scanners read) and jsonencode() in the
// HCL of `cdktf synth --hcl`, references and template syntax included. What real Terraform makes of both:
// json-document.cli.test.ts.
import { decodeJsonDocument, isJsonDocument } from "../../policy/synthesized";
import { expected, read, synthesizedValues } from "./json-document-fixture";

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
