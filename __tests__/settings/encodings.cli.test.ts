// Text encodings through the real entry point (commands/synth.js): settings and task definitions that are not UTF-8,
// or hold lone surrogates or invisible characters, exit 1 with where the problem is, and print nothing raw.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSynth } from "../helpers";
import { projectRoot } from "../../settings/paths";

const work = mkdtempSync(join(tmpdir(), "encodings-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

/** What a terminal would obey or cannot show: C0 (but newline), DEL, C1, zero-width, bidi, lone surrogates (`u`: not pairs). */
const RAW = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\u061C\uFEFF\uD800-\uDFFF]/u;

function utf32(text: string, littleEndian: boolean, bom: boolean): Buffer {
  const points = [...(bom ? "\uFEFF" : ""), ...text];
  const bytes = Buffer.alloc(points.length * 4);
  points.forEach((c, i) => (littleEndian ? bytes.writeUInt32LE(c.codePointAt(0)!, i * 4) : bytes.writeUInt32BE(c.codePointAt(0)!, i * 4)));
  return bytes;
}
const utf16le = (text: string, bom: boolean) => Buffer.from(`${bom ? "\uFEFF" : ""}${text}`, "utf16le");
const utf16be = (text: string, bom: boolean) => utf16le(text, bom).swap16();

/** A file of these bytes in a fresh place. */
function file(bytes: Buffer | string, name = "infra.json"): string {
  const path = join(work, `${n++}-${name}`);
  writeFileSync(path, bytes);
  return path;
}

/** `node commands/synth.js --output <dir>` with INFRA_CONFIG = config, as a user runs it. */
function synth(config: string) {
  return runSynth(config, join(work, `${n++}-out`));
}

/** Refused as docs/settings.md, "Bad input", says, with one line matching `line`, and nothing raw in the output. */
function expectRefused(run: ReturnType<typeof synth>, line: RegExp): void {
  expect(run.lines[0]).toBe("Invalid settings, nothing was synthesized:");
  expect(run.lines).toContainEqual(expect.stringMatching(line));
  expect(run.stderr).not.toMatch(RAW);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.status).toBe(1);
  expect(run.wrote).toBe(false);
}

const SETTINGS = '{"project": "soa"}';

describe("through the real entry point", () => {
  test.each([
    ["UTF-16LE with a byte order mark", utf16le(SETTINGS, true), /: encoded as UTF-16LE \(byte order mark FF FE\); expected UTF-8 .*save the file as UTF-8$/],
    ["UTF-16BE with a byte order mark", utf16be(SETTINGS, true), /: encoded as UTF-16BE \(byte order mark FE FF\)/],
    ["UTF-16LE without one", utf16le(SETTINGS, false), /: encoded as UTF-16LE \(no byte order mark; NUL bytes where ASCII characters begin\)/],
    ["UTF-16BE without one", utf16be(SETTINGS, false), /: encoded as UTF-16BE \(no byte order mark/],
    ["UTF-32LE with a byte order mark", utf32(SETTINGS, true, true), /: encoded as UTF-32LE \(byte order mark FF FE 00 00\)/],
    ["UTF-32BE with a byte order mark", utf32(SETTINGS, false, true), /: encoded as UTF-32BE \(byte order mark 00 00 FE FF\)/],
    ["UTF-32LE without one", utf32(SETTINGS, true, false), /: encoded as UTF-32LE \(no byte order mark/],
    ["UTF-32BE without one", utf32(SETTINGS, false, false), /: encoded as UTF-32BE \(no byte order mark/],
    ["Latin-1", Buffer.from('{\n  "project": "caf\u00E9"\n}', "latin1"), /: not valid UTF-8 \(byte 0xE9 at offset 19, line 2, column 18\); expected UTF-8: save the file as UTF-8/],
    ["a lone surrogate", '{"project": "a\\ud800b"}', /project = "a\\ud800b": contains a lone surrogate U\+D800 at character 2; expected text UTF-8 can hold/],
    ["a lone low surrogate in a key", '{"services": {"\\udc00": null}}', /services\.\\uDC00: the key contains a lone surrogate U\+DC00 at character 1/],
    ["a bidi override", '{"project": "abcd\u202Eefg"}', /project = "abcd\\u202Eefg": contains a bidirectional control character U\+202E at character 5; expected text without bidirectional controls/],
    ["a zero-width space in a key", '{"services": {"we\u200Bb": null}}', /services\.we\\u200Bb: the key contains a zero-width character U\+200B at character 3; expected visible characters only$/],
    ["a zero-width space in a value (escaped, and the schema refuses it)", '{"project": "ab\u200Bc"}', /project = "ab\\u200Bc": expected .*\(the value holds a zero-width character U\+200B at character 3\)$/],
    ["an escape sequence that recolours the terminal", '{"services": {"\\u001b[31mweb": null}}', /services\.\\u001B\[31mweb: the key contains a control character U\+001B at character 1/],
  ])("settings in %s are refused, named, and nothing is written", (_name, bytes, line) => {
    expectRefused(synth(file(bytes)), line);
  }, 120_000);

  test("a task definition in UTF-16 is refused the same way", () => {
    const task = file(utf16le(readFileSync(join(projectRoot, "task-definitions", "webtask.json"), "utf8"), true), "task.json");
    expectRefused(synth(file(JSON.stringify({ services: { web: { taskDefinition: task } } }))), /task\.json: encoded as UTF-16LE \(byte order mark FF FE\)/);
  }, 120_000);
});
