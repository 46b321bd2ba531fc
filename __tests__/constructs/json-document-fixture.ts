// A stack whose outputs are jsonDocument()s, and the data each must read as: shared by json-document.test.ts (the
// synthesized text) and json-document.cli.test.ts (what real Terraform makes of it).
import { rmSync } from "node:fs";
import { Fn, TerraformLocal, TerraformOutput } from "cdktf";
import { jsonDocument } from "../../constructs/json-document";
import { scratchStack } from "../helpers";

export const ARN = "arn:aws:s3:::bucket-1";
const HOSTILE = ['${file("/etc/hostname")}', "%{ if true }x%{ endif }", "$${already} %%{escaped}", 'say "hi" \\ \\"', "line\nnext\ttab", "cost $", "50%"];

/** A stack whose outputs are documents; `arn` is a reference (a local) holding ARN. */
export function documents(hcl: boolean) {
  return scratchStack("documents", hcl, (stack) => {
    const arn = new TerraformLocal(stack, "arn", ARN).asString;
    const outputs = {
      policy: jsonDocument({ Statement: [{ Effect: "Allow", Resource: [arn, `${arn}/*`], Note: HOSTILE, Keyed: { "${k}": 1, "%{k}": 2 } }] }),
      list: jsonDocument([{ name: "app", memory: 64, essential: true, options: { group: arn } }]),
      // Not expressible as JSON text: a call (its quotes would break the JSON), a "$" right before a reference.
      call: jsonDocument({ Resource: Fn.lower("ARN") }),
      dollar: jsonDocument({ Price: `$${arn}` }),
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(stack, name, { value });
  });
}

export function synthesizedValues(hcl: boolean): Record<string, string> {
  const { stack, outdir } = documents(hcl);
  rmSync(outdir, { recursive: true, force: true });
  const json = stack.toTerraform() as { output: Record<string, { value: string }> };
  return Object.fromEntries(Object.entries(json.output).map(([name, o]) => [name, o.value]));
}

/** The data of each output, with `arn` and `lowered` for what the reference and the call read as. */
export const expected = (arn: string, lowered: string) => ({
  policy: { Statement: [{ Effect: "Allow", Resource: [arn, `${arn}/*`], Note: HOSTILE, Keyed: { "${k}": 1, "%{k}": 2 } }] },
  list: [{ name: "app", memory: 64, essential: true, options: { group: arn } }],
  call: { Resource: lowered },
});

/** Each document's data, read with `read`; `dollar` left out, as what it reads as is cdktf's jsonencode() rendering. */
export const read = (values: Record<string, unknown>, fn: (v: string) => unknown) =>
  Object.fromEntries(Object.entries(values).filter(([k]) => k !== "dollar").map(([k, v]) => [k, fn(v as string)]));
