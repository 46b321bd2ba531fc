// The stacks' HCL writes an argument whose value is one interpolation bare, as `terraform fmt` would (the exit
// recipe's test has real Terraform's `fmt -check` pass on it), and means what the converter's text meant: read back
// with @cdktf/hcl2json, cdktf's own HCL parser, where "${x}" and a bare x read alike, the two are the same.
import { join } from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { unwrapInterpolations } from "../../constructs/hcl-interpolations";
import { composeApp } from "../../main";
import { loadSettings } from "../../settings/load";
import { projectRoot } from "../../settings/paths";

// Required untyped: its declarations reference the DOM library, which would retype webcrypto for the whole program.
const { parse } = require("@cdktf/hcl2json") as { parse(name: string, hcl: string): Promise<unknown> };

describe("unwrapInterpolations", () => {
  test.each([
    ['a = "${x.y}"\n', "a = x.y\n"],
    ['  a = "${x}"\r\n', "  a = x\r\n"],
    ['a = "${x}"', "a = x"],
    ['a = "${format("}%s\\"{", x)}"\n', 'a = format("}%s\\"{", x)\n'],
    ['a = "${{ "b" = [1, 2] }}"\n', 'a = { "b" = [1, 2] }\n'],
    ['a = "${x ? "${y}" : "z"}"\n', 'a = x ? "${y}" : "z"\n'],
    ['a = "${x}"\nb = "${y}"\n', "a = x\nb = y\n"],
    ['a = "${ x }"\n', "a = x\n"],
    ['a = "$${"\nb = "${x}"\n', 'a = "$${"\nb = x\n'],
    ['a = <<EOF\nx ${y} "${z}"\nEOF\nb = "${x}"\n', 'a = <<EOF\nx ${y} "${z}"\nEOF\nb = x\n'],
    ['a = <<-EOF\n  x\n  EOF\nb = "${x}"\n', "a = <<-EOF\n  x\n  EOF\nb = x\n"],
    ['a = <<EOF\n${f(\n"EOF")}\nEOF\nb = "${x}"\n', 'a = <<EOF\n${f(\n"EOF")}\nEOF\nb = x\n'],
  ])("an argument's whole value: %j", (hcl, expected) => {
    expect(unwrapInterpolations(hcl)).toBe(expected);
  });

  test.each([
    ['a = "${x}-y"\n', "text after the interpolation"],
    ['a = "x${y}"\n', "text before it"],
    ['a = "${x}${y}"\n', "two interpolations"],
    ['a = "$${x}"\n', "an escaped, literal ${"],
    ['a = "%{if x}y%{endif}"\n', "a directive"],
    ['a = "${~x}"\n', "a strip marker"],
    ['a = "${x~}"\n', "a strip marker"],
    ['a = "${}"\n', "an empty interpolation"],
    ['a = ["${x}"]\n', "a list's item, which fmt leaves"],
    ['a = { "${k}" = 1 }\n', "an object's key"],
    ['a = "${x}" # note\n', "a value with more on its line"],
    ['a = x == "${y}"\n', "a comparison's operand"],
    ['a = <<EOF\nb = "${x}"\nEOF\n', "a heredoc's text"],
    ['# a = "${x}"\n', "a comment"],
    ['/* a = "${x}"\n*/\n', "a block comment"],
    ['a = "${x\n', "a string that does not end: the text stays whole"],
    ['a = <<EOF\n${\nEOF\n}\nb = "${x}"\nEOF\n', "a heredoc's line that an interpolation spanning lines holds, not its end"],
    ['a = <<EOF\n%{ if\nEOF\n}x%{ endif }\nb = "${x}"\nEOF\n', "the same in a directive"],
    ['a = <<EOF\nEOF\f\nc = <<END\nEOF\nb = "${x}"\nEND\n', "a delimiter beside whitespace HCL trims (form feed): unclear, the text stays whole"],
  ])("leaves %j: %s", (hcl) => {
    expect(unwrapInterpolations(hcl)).toBe(hcl);
  });

  test("a text it cannot read to its end stays whole, values it could have unwrapped included", () => {
    const hcl = 'a = "${x}"\nb = "${y\n';
    expect(unwrapInterpolations(hcl)).toBe(hcl);
  });
});

describe("the stacks' HCL", () => {
  test.each([
    ["the built-in settings", ""],
    ["the options fixture (every optional part on)", join(projectRoot, "__tests__", "terraform", "options", "settings.json")],
  ])("%s: the same configuration as the converter wrote, its arguments' single interpolations bare", async (_, settings) => {
    process.env.SYNTH_HCL_OUTPUT = "true"; // as `cdktf synth --hcl` sets it for the App
    let stacks: TerraformStack[];
    try {
      const app = Testing.app();
      stacks = Object.values(composeApp(app, loadSettings({ INFRA_CONFIG: settings })));
      // As the app command does: the aspects (bare references, conditions as blocks) are part of what is rewritten.
      app.synth();
    } finally {
      delete process.env.SYNTH_HCL_OUTPUT;
    }
    let unwrapped = 0;
    for (const stack of stacks) {
      const written: string = stack.toHclTerraform().hcl;
      // The converter's own text: the method of the class, not the one composeApp gave the stack.
      const converted: string = TerraformStack.prototype.toHclTerraform.call(stack).hcl;
      expect(await parse("written.tf", written)).toEqual(await parse("converted.tf", converted));
      unwrapped += (converted.match(/= "\$\{/g) ?? []).length - (written.match(/= "\$\{/g) ?? []).length;
    }
    // Some 120 arguments in the built-in aws stack: the comparison above compared something.
    expect(unwrapped).toBeGreaterThan(100);
  });
});
