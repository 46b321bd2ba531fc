// The stacks' HCL, as `cdktf synth --hcl` writes it, read back with @cdktf/hcl2json, cdktf's own HCL parser
// (HashiCorp's HCL library), which reads a bare reference x as "${x}" and a quoted "x" as "x":
// - the references of depends_on and ignore_changes are bare (quoted, Terraform warns that quoted references are
//   deprecated and will be removed), the same as in the JSON synthesized from the same settings;
// - the arguments whose value is one interpolation are bare, as `terraform fmt` leaves them, and the configuration is
//   the one the converter wrote.
// One synthesis of each form per settings file: the real Terraform checks of the same HCL are in the exit recipe's
// test (npm run test:commands) and npm run validate / test:terraform.
import { join } from "node:path";
import { type App, TerraformStack, Testing } from "cdktf";
import { composeApp } from "../../main";
import { loadSettings } from "../../settings/load";
import { projectRoot } from "../../settings/paths";
import { parse } from "../hcl-parser";

type Blocks = Record<string, Record<string, any>>;
type Configuration = { resource?: Blocks; data?: Blocks };


/** depends_on and lifecycle.ignore_changes of every resource and data source, by address. */
function referenceLists(config: Configuration, fromHcl: boolean): Record<string, unknown> {
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

/** The app's stacks for a settings file ("" for the built-in settings), made in HCL mode or not. */
function stacksOf(settings: string, hcl: boolean): TerraformStack[] {
  // As `cdktf synth --hcl` sets it for the App and each stack's synthesizer.
  if (hcl) process.env.SYNTH_HCL_OUTPUT = "true";
  try {
    const app: App = Testing.app();
    const stacks = Object.values(composeApp(app, loadSettings({ INFRA_CONFIG: settings })));
    for (const stack of stacks) stack.prepareStack();
    return stacks;
  } finally {
    delete process.env.SYNTH_HCL_OUTPUT;
  }
}

describe.each([
  ["the built-in settings", ""],
  ["the options fixture (every optional part on)", join(projectRoot, "__tests__", "terraform", "options", "settings.json")],
])("%s", (_, settings) => {
  // Each stack's JSON, its HCL as written and as the converter wrote it, and each HCL as hcl2json reads it back
  // (once: parsing a stack's HCL in Go compiled to WebAssembly takes a tenth of a second or more).
  const stacks: { json: Configuration; written: string; converted: string; writtenRead: Configuration; convertedRead: Configuration }[] = [];
  beforeAll(async () => {
    const json = stacksOf(settings, false).map((stack) => JSON.parse(Testing.synth(stack)) as Configuration);
    for (const [i, stack] of stacksOf(settings, true).entries()) {
      // Runs the aspects (bare references, conditions as blocks), then the stack's own toHclTerraform, as the app does.
      const written = Testing.synthHcl(stack);
      // The converter's text, before the rewrite: the method of the class, not the one composeApp gave the stack.
      const converted: string = TerraformStack.prototype.toHclTerraform.call(stack).hcl;
      stacks.push({ json: json[i], written, converted, writtenRead: await parse("written.tf", written), convertedRead: await parse("converted.tf", converted) });
    }
  });

  test("every reference in depends_on and ignore_changes is bare in the HCL, and the same as in the JSON", () => {
    let lists = 0;
    for (const { json, writtenRead } of stacks) {
      const fromJson = referenceLists(json, false) as Record<string, string[]>;
      // A bare reference reads back as an expression; a quoted one would read back as the plain string.
      const expected = Object.fromEntries(Object.entries(fromJson).map(([k, refs]) => [k, refs.map((r) => `\${${r}}`)]));
      expect(referenceLists(writtenRead, true)).toEqual(expected);
      lists += Object.keys(fromJson).length;
    }
    // Both kinds of list are there to be checked: 18 depends_on and 4 ignore_changes lists for the built-in settings.
    expect(lists).toBeGreaterThan(10);
  });

  test("the same configuration as the converter wrote, its arguments' single interpolations bare", () => {
    let unwrapped = 0;
    for (const { written, converted, writtenRead, convertedRead } of stacks) {
      expect(writtenRead).toEqual(convertedRead);
      unwrapped += (converted.match(/= "\$\{/g) ?? []).length - (written.match(/= "\$\{/g) ?? []).length;
    }
    // Some 120 arguments in the built-in aws stack: the comparison above compared something.
    expect(unwrapped).toBeGreaterThan(100);
  });
});
