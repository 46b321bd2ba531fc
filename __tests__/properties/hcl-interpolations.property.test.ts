// Property-based: unwrapInterpolations() never changes what HCL means. Random configurations (arguments, blocks,
// comments, heredocs with interpolations spanning lines; values that are references, calls, lists, objects, conditionals, comparisons and quoted
// templates with escapes, literal `$${`, directives, strip markers and nested templates) are read with
// @cdktf/hcl2json, cdktf's own HCL parser (HashiCorp's HCL library), before and after: a text HCL reads must read
// the same after, where a bare x and "${x}" read alike. A text HCL refuses is only held to come back unchanged or
// still refused. PROPERTY_RUNS sets how many inputs (default 60); a failure prints fast-check's seed to replay it.
import fc from "fast-check";
import { unwrapInterpolations } from "../../constructs/hcl-interpolations";
import { parse } from "../hcl-parser";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);

const name = fc.constantFrom("a", "b_c", "x-y", "Name", "v1");
const traversal = fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("."));
// Literal text of a quoted template: what needs an escape is written with one.
const literal = fc
  .array(fc.constantFrom("a", " ", "}", "{", "]", ",", "=", "#", "//", "\\\"", "\\\\", "\\n", "$${", "%%{", "$", "%", "~", "é"), { maxLength: 5 })
  .map((parts) => parts.join(""));

const { expression } = fc.letrec<{ expression: string; template: string }>((tie) => ({
  expression: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    traversal,
    fc.integer({ min: 0, max: 99 }).map(String),
    tie("template"),
    fc.tuple(name, fc.array(tie("expression"), { maxLength: 2 })).map(([f, args]) => `${f}(${args.join(", ")})`),
    fc.array(tie("expression"), { maxLength: 2 }).map((items) => `[${items.join(", ")}]`),
    fc.array(fc.tuple(name, tie("expression")), { maxLength: 2 }).map((kv) => `{ ${kv.map(([k, v]) => `${k} = ${v}`).join(", ")} }`),
    fc.tuple(tie("expression"), tie("expression"), tie("expression")).map(([c, t, e]) => `${c} ? ${t} : ${e}`),
    fc.tuple(tie("expression"), fc.constantFrom("==", "!=", ">=", "<="), tie("expression")).map(([l, op, r]) => `${l} ${op} ${r}`),
  ),
  template: fc
    .array(
      fc.oneof(
        literal,
        tie("expression").map((e) => `\${${e}}`),
        fc.tuple(fc.constantFrom("", "~"), tie("expression"), fc.constantFrom("", "~")).map(([l, e, r]) => `\${${l}${e}${r}}`),
        tie("expression").map((e) => `%{ if ${e} }x%{ endif }`),
      ),
      { maxLength: 3 },
    )
    .map((parts) => `"${parts.join("")}"`),
}));

// A string that is one interpolation alone, as the converter writes a value, often.
const soleInterpolation = fc.oneof(
  expression.map((e) => `"\${${e}}"`),
  fc.tuple(fc.constantFrom("", "~"), expression, fc.constantFrom("", "~")).map(([l, e, r]) => `"\${${l}${e}${r}}"`),
);
const value = fc.oneof(expression, soleInterpolation, soleInterpolation);
const comment = fc.tuple(fc.constantFrom("#", "//"), literal).map(([mark, text]) => `${mark} ${text}`);
// Lines of a heredoc, among them its delimiter inside an interpolation or directive that spans lines (not its end),
// and beside whitespace HCL trims (its end, read as unclear here).
const heredocLine = fc.oneof(literal, soleInterpolation, fc.constantFrom("${\nEOT\n}", "%{ if\nEOT\n}x%{ endif }", "  EOT", "EOT\f", "EOT\u00a0"));
const heredoc = fc.tuple(fc.constantFrom("<<EOT", "<<-EOT"), fc.array(heredocLine, { maxLength: 3 })).map(
  ([opener, lines]) => `${opener}\n${lines.join("\n")}\nEOT`,
);
const argument = fc.tuple(name, fc.oneof(value, value, heredoc), fc.constantFrom("", " ", "  # trailing")).map(([n, v, end]) => `${n} = ${v}${end}`);
const line = fc.oneof(argument, argument, argument, comment);
const block = fc.tuple(name, fc.array(line, { maxLength: 4 })).map(([type, body]) => `resource "t" "${type}" {\n${body.join("\n")}\n}`);
const configuration = fc.array(fc.oneof(line, block), { minLength: 1, maxLength: 5 }).map((parts) => `${parts.join("\n")}\n`);

/** What HCL reads `text` as; undefined when it refuses it. */
async function read(text: string): Promise<unknown> {
  try {
    return await parse("main.tf", text);
  } catch {
    return undefined;
  }
}

test(`${RUNS} random configurations mean the same once their arguments' single interpolations are bare`, async () => {
  await fc.assert(
    fc.asyncProperty(configuration, async (text) => {
      const bare = unwrapInterpolations(text);
      const before = await read(text);
      if (before === undefined) {
        // A text HCL refuses: left alone, or still refused.
        if (bare !== text) expect(await read(bare)).toBeUndefined();
        return;
      }
      expect(await read(bare)).toEqual(before);
    }),
    { numRuns: RUNS },
  );
}, 120_000);

// The generator reaches what the property is about: texts HCL reads, some of them rewritten. Checked on a sample of
// fixed seed and size, so it holds whatever PROPERTY_RUNS is (a count taken in the run above failed now and then for
// a handful of runs) and fails only when a change to the generator stops reaching them.
test("the generator makes texts HCL reads, and some the rewrite changes", async () => {
  let readable = 0;
  let unwrapped = 0;
  for (const text of fc.sample(configuration, { numRuns: 60, seed: 20261202 })) {
    if ((await read(text)) === undefined) continue;
    readable += 1;
    if (unwrapInterpolations(text) !== text) unwrapped += 1;
  }
  expect(readable).toBeGreaterThan(60 / 4);
  expect(unwrapped).toBeGreaterThan(60 / 20);
});
