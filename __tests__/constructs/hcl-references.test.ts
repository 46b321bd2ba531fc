// The HCL of `cdktf synth --hcl` writes the references of depends_on and ignore_changes bare, as Terraform expects
// them: quoted, Terraform warns that quoted references are deprecated and will be removed. Read back with
// @cdktf/hcl2json, cdktf's own HCL parser (HashiCorp's HCL library), which tells a bare reference ("${aws_x.y}")
// from a quoted string ("aws_x.y"), and held to the JSON synthesized from the same settings.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IResolveContext } from "cdktf";
import { bareReferences } from "../../constructs/hcl-references";
import { main } from "../../main";
import { projectRoot } from "../../settings/paths";

type Blocks = Record<string, Record<string, any>>;

// Required untyped: its declarations reference the DOM library, which would retype webcrypto for the whole program.
const { parse } = require("@cdktf/hcl2json") as { parse(name: string, hcl: string): Promise<{ resource?: Blocks; data?: Blocks }> };

/** depends_on and lifecycle.ignore_changes of every resource and data source, by address. */
function referenceLists(config: { resource?: Blocks; data?: Blocks }, fromHcl: boolean): Record<string, unknown> {
  const lists: Record<string, unknown> = {};
  for (const [kind, blocks] of [["", config.resource], ["data.", config.data]] as const) {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [name, value] of Object.entries(byName)) {
        // hcl2json gives each block as a list of its bodies; the JSON, as an object.
        const body = fromHcl ? value[0] : value;
        const lifecycle = fromHcl ? body.lifecycle?.[0] : body.lifecycle;
        if (body.depends_on) lists[`${kind}${type}.${name} depends_on`] = body.depends_on;
        if (lifecycle?.ignore_changes) lists[`${kind}${type}.${name} ignore_changes`] = lifecycle.ignore_changes;
      }
    }
  }
  return lists;
}

/** Synthesizes `settings` (a file, or the built-in settings) as JSON and as HCL; each stack's two configurations. */
function synthesizeBoth(settings: string | undefined): { stack: string; json: any; hcl: string }[] {
  const out = mkdtempSync(join(tmpdir(), "hcl-references-"));
  const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    const env = { INFRA_CONFIG: settings ?? "" };
    expect(main({ ...env, CDKTF_OUTDIR: join(out, "json") })).toBe(0);
    process.env.SYNTH_HCL_OUTPUT = "true"; // as `cdktf synth --hcl` asks for it
    try {
      expect(main({ ...env, CDKTF_OUTDIR: join(out, "hcl") })).toBe(0);
    } finally {
      delete process.env.SYNTH_HCL_OUTPUT;
    }
    return ["aws", "docker"].map((stack) => ({
      stack,
      json: JSON.parse(readFileSync(join(out, "json", "stacks", stack, "cdk.tf.json"), "utf8")),
      hcl: readFileSync(join(out, "hcl", "stacks", stack, "cdk.tf"), "utf8"),
    }));
  } finally {
    stderr.mockRestore();
    rmSync(out, { recursive: true, force: true });
  }
}

test.each([
  ["the built-in settings", undefined],
  ["the options fixture (every optional part on)", join(projectRoot, "__tests__", "terraform", "options", "settings.json")],
])("%s: every reference in depends_on and ignore_changes is bare in the HCL, and the same as in the JSON", async (_, settings) => {
  let lists = 0;
  for (const { stack, json, hcl } of synthesizeBoth(settings)) {
    const fromJson = referenceLists(json, false) as Record<string, string[]>;
    const fromHcl = referenceLists(await parse(`${stack}/cdk.tf`, hcl), true);
    // A bare reference reads back as an expression; a quoted one would read back as the plain string.
    const expected = Object.fromEntries(Object.entries(fromJson).map(([k, refs]) => [k, refs.map((r) => `\${${r}}`)]));
    expect(fromHcl).toEqual(expected);
    lists += Object.keys(fromJson).length;
  }
  // Both kinds of list are there to be checked: 18 depends_on and 4 ignore_changes lists for the built-in settings.
  expect(lists).toBeGreaterThan(10);
});

describe("bareReferences", () => {
  const context = { resolve: (x: unknown) => x } as unknown as IResolveContext;

  test("writes one reference on its line, several one per line", () => {
    expect(bareReferences(["aws_iam_role.x"]).resolve(context)).toBe("[aws_iam_role.x]");
    expect(bareReferences(["data.aws_ami.flatcar", "aws_s3_bucket.logs-1"]).resolve(context)).toBe("[\ndata.aws_ami.flatcar,\naws_s3_bucket.logs-1,\n]");
  });

  test("leaves a list with anything but plain references (or a name that bare is a literal) to the converter, which quotes it", () => {
    for (const list of [['tags["Name"]'], ["ami", "a b"], ["${aws_x.y}"], ["1st.x"], [""], [], ["null"], ["ami", "true"], ["false"]]) {
      expect(bareReferences(list).resolve(context)).toEqual(list);
    }
  });
});
