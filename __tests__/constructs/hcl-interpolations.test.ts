// unwrapInterpolations() writes an argument whose whole value is one interpolation bare, as `terraform fmt` does, and
// leaves everything else as it is. What it does to the stacks' HCL is tested in hcl-exit.test.ts, with cdktf's HCL
// parser, and on random configurations in __tests__/properties/hcl-interpolations.property.test.ts.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { Manifest } from "cdktf/lib/manifest";
import { StackSynthesizer } from "cdktf/lib/synthesize/synthesizer";
import { readValuesBare, unwrapInterpolations, writeValuesBare } from "../../constructs/hcl-interpolations";

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

  test("says on which line it stopped reading", () => {
    expect(readValuesBare('a = "${x}"\nb = "${y}"\n')).toEqual({ hcl: "a = x\nb = y\n" });
    expect(readValuesBare('a = "${x}"\n\nb = "${y\n')).toEqual({ hcl: 'a = "${x}"\n\nb = "${y\n', unreadLine: 3 });
    expect(readValuesBare('a = "${x}"\nb = <<EOF\nc\n')).toEqual({ hcl: 'a = "${x}"\nb = <<EOF\nc\n', unreadLine: 2 });
  });
});

describe("writeValuesBare", () => {
  /** The HCL a stack writes through cdktf's synthesizer when the converter gives `converted`, and the stack's warnings. */
  function synthesizeHcl(converted: string) {
    const stack = new TerraformStack(Testing.app(), "aws");
    stack.synthesizer = new StackSynthesizer(stack, false, true);
    stack.toHclTerraform = () => ({ hcl: converted, metadata: {} });
    writeValuesBare(stack);
    const outdir = mkdtempSync(join(tmpdir(), "hcl-"));
    try {
      const manifest = new Manifest("test", outdir, true);
      stack.synthesizer.synthesize({ outdir, manifest });
      const entry = manifest.forStack(stack);
      return { hcl: readFileSync(join(outdir, entry.synthesizedStackPath), "utf8"), warnings: entry.annotations.map((a) => `${a.level} [${a.constructPath}]: ${a.message}`) };
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }

  test("writes the stack's HCL bare, with no warning", () => {
    expect(synthesizeHcl('a = "${x}"\n')).toEqual({ hcl: "a = x\n", warnings: [] });
  });

  test("a text it leaves whole gets the stack a warning that names the line, among the warnings cdktf prints", () => {
    const converted = 'a = "${x}"\nb = "${y\n';
    const { hcl, warnings } = synthesizeHcl(converted);
    expect(hcl).toBe(converted);
    expect(warnings).toEqual([expect.stringMatching(/^@cdktf\/warn \[aws\]: the stack's HCL is written as cdktf's converter wrote it, .*its line 2 could not be read.*terraform fmt -check fails/)]);
  });
});
