// What real Terraform makes of jsonDocument() in each output, from the JSON configuration and from the HCL of
// `cdktf synth --hcl`: each document evaluates to its data, references filled in and template syntax left literal.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { terraformAvailable, terraformOutputs } from "../helpers";
import { ARN, documents, expected, read } from "./json-document-fixture";

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
