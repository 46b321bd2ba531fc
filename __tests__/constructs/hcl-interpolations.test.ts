// unwrapInterpolations() writes an argument whose whole value is one interpolation bare, as `terraform fmt` does, and
// leaves everything else as it is. What it does to the stacks' HCL is tested in hcl-exit.test.ts, with cdktf's HCL
// parser, and on random configurations in __tests__/properties/hcl-interpolations.property.test.ts.
import { unwrapInterpolations } from "../../constructs/hcl-interpolations";

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
