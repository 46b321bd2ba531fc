// Output directories holding both formats (commands/output-dir.ts), as validate, diff and deploy look for them.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mixedFormatStacks } from "../../commands/output-dir";

test("finds the stack directories holding both cdk.tf.json and cdk.tf, and none where there are no stack directories", () => {
  const out = mkdtempSync(join(tmpdir(), "output-dir-"));
  expect(mixedFormatStacks(join(out, "missing"))).toEqual([]);
  for (const [stack, files] of [["aws", ["cdk.tf.json", "cdk.tf"]], ["docker", ["cdk.tf.json"]]] as const) {
    mkdirSync(join(out, "stacks", stack), { recursive: true });
    for (const f of files) writeFileSync(join(out, "stacks", stack, f), "");
  }
  expect(mixedFormatStacks(out)).toEqual([join(out, "stacks", "aws")]);
  // Where synthesis would say what is wrong, not this check with a trace: a `stacks` that is a file.
  const odd = mkdtempSync(join(tmpdir(), "output-dir-"));
  writeFileSync(join(odd, "stacks"), "");
  expect(mixedFormatStacks(odd)).toEqual([]);
});
