// Property-based: random Unicode (lone surrogates, bidirectional controls, zero-width characters, C0 and C1
// controls) in the settings' values and keys and in a task definition, and files in UTF-16, UTF-32, Latin-1 or
// random bytes, through the real entry point. Each input synthesizes or is refused cleanly (exit 1, the header,
// nothing written), and no message sends an invisible character to the terminal raw: all are \uXXXX escapes.
// PROPERTY_RUNS sets how many inputs (default 60); a failure prints fast-check's seed to replay it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { runApp } from "../helpers";
import { projectRoot } from "../../settings/paths";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const root = mkdtempSync(join(tmpdir(), "encodings-properties-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What a terminal would obey or cannot show: C0 (but newline), DEL, C1, zero-width, bidi, lone surrogates (`u`: not pairs). */
const RAW = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202E\u2060\u2066-\u2069\u061C\uFEFF\uD800-\uDFFF]/u;

const special = fc.constantFrom(
  "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uD83D\uDE00", "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067",
  "\u2068", "\u2069", "\u200E", "\u200F", "\u061C", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u0000", "\u0007",
  "\u001B[31m", "\u001B]0;title\u0007", "\r", "\n", "\t", "\u007F", "\u0080", "\u0085", "\u009B", "\u2028", "\uFFFD", "ü", "a",
);
/** Any UTF-16 code unit, lone surrogates included. */
const unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const hostile = fc.array(fc.oneof(special, unit, fc.string({ unit: "binary", maxLength: 3 })), { maxLength: 8 }).map((parts) => parts.join(""));

/** Settings holding `text` somewhere a user writes free text, or a name. */
const settings = fc.tuple(hostile, fc.constantFrom("env value", "env key", "project", "service key", "keyPair", "task environment")).map(([text, where]) => ({ text, where }));

/** How the JSON reaches the file: as UTF-8 (lone surrogates as escapes, the rest raw or escaped), or another encoding. */
const encoding = fc.constantFrom("utf8", "utf8-escaped", "utf16le", "utf16be", "utf32le", "latin1");

function encode(json: string, how: string): Buffer {
  if (how === "utf8-escaped") return Buffer.from(json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
  if (how === "utf16le") return Buffer.from(`\uFEFF${json}`, "utf16le");
  if (how === "utf16be") return Buffer.from(json, "utf16le").swap16();
  if (how === "utf32le") {
    const points = [...json];
    const bytes = Buffer.alloc(points.length * 4);
    points.forEach((c, i) => bytes.writeUInt32LE(c.codePointAt(0)!, i * 4));
    return bytes;
  }
  if (how === "latin1") return Buffer.from(json, "latin1");
  return Buffer.from(json, "utf8");
}

/** The strings (keys and values) in a JSON value that hold a lone surrogate: `u` matches only unpaired ones. */
function loneSurrogates(value: unknown): string[] {
  if (typeof value === "string") return /[\uD800-\uDFFF]/u.test(value) ? [value] : [];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => [...loneSurrogates(key), ...loneSurrogates(inner)]);
}

let count = 0;
let synthesized = 0;

/** Runs the app on one file; checks it synthesized or refused cleanly with nothing raw in the message. */
function check(bytes: Buffer, task?: Buffer): void {
  const dir = join(root, String(count++));
  mkdirSync(dir);
  if (task) writeFileSync(join(dir, "task.json"), task);
  writeFileSync(join(dir, "infra.json"), bytes);
  const { code, stderr } = runApp(join(dir, "infra.json"), join(dir, "cdktf.out"));
  expect(stderr).not.toMatch(RAW);
  if (code === 0) {
    synthesized += 1;
    for (const stack of ["aws", "docker"]) {
      // Text reaches Terraform as written: no lone surrogate (Terraform would read U+FFFD) and no U+FFFD put in.
      // Read as JSON, not as text: a user's backslash followed by "ud800" is written \\ud800, which is no surrogate.
      const written = readFileSync(join(dir, "cdktf.out", "stacks", stack, "cdk.tf.json"), "utf8");
      expect(loneSurrogates(JSON.parse(written))).toEqual([]);
      const given = Buffer.concat([bytes, task ?? Buffer.alloc(0)]);
      if (!given.includes(Buffer.from("\uFFFD")) && !/\\ufffd/i.test(given.toString("latin1"))) expect(written).not.toContain("\uFFFD");
    }
  } else {
    expect({ code, header: stderr.split("\n")[0] }).toEqual({ code: 1, header: "Invalid settings, nothing was synthesized:" });
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(dir, "cdktf.out"))).toBe(false);
  }
  rmSync(dir, { recursive: true, force: true });
}

const webtask = JSON.parse(readFileSync(join(projectRoot, "task-definitions", "webtask.json"), "utf8")) as Record<string, unknown>[];

test(`${RUNS} random texts and encodings: each synthesizes or is refused with escaped messages, none crashes`, () => {
  const inputs = fc.oneof(
    { weight: 5, arbitrary: fc.tuple(settings, encoding).map(([s, how]) => ({ kind: "settings" as const, ...s, how })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: "bytes" as const, bytes })) },
  );
  fc.assert(
    fc.property(inputs, (input) => {
      if (input.kind === "bytes") return check(Buffer.from(input.bytes));
      const { text, where, how } = input;
      const dir = join(root, String(count));
      const overlay: Record<string, unknown> =
        where === "env value" ? { docker: { containers: { elastic: { env: { A: text } } } } }
        : where === "env key" ? { docker: { containers: { elastic: { env: { [text]: "x" } } } } }
        : where === "project" ? { project: text }
        : where === "service key" ? { services: { [text]: null } }
        : where === "keyPair" ? { dockerHost: { keyPair: text } }
        : { services: { web: { taskDefinition: join(dir, "task.json") } } };
      const task = where === "task environment" ? encode(JSON.stringify([{ ...webtask[0], environment: [{ name: "A", value: text }] }, ...webtask.slice(1)]), how) : undefined;
      check(encode(JSON.stringify(overlay), task ? "utf8" : how), task);
    }),
    { numRuns: RUNS },
  );
  // Plain text in UTF-8 must get through: an app that refused everything would pass otherwise.
  check(encode(JSON.stringify({ docker: { containers: { elastic: { env: { A: "plain ü 😀" } } } } }), "utf8"));
  expect(synthesized).toBeGreaterThan(0);
}, 600_000);
