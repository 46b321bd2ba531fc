// Text encodings, in this process: bytes that are not UTF-8 are placed, a UTF-8 byte order mark is fine, and every
// message shows invisible characters as \uXXXX escapes instead of sending them to the terminal. UTF-16 and UTF-32,
// lone surrogates and bidirectional controls refused through the real entry point: encodings.cli.test.ts.
import type * as NodeFs from "node:fs";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { escapeInvisible, formatProblem, showValue } from "../../settings/errors";
import { INPUT_LIMITS, inputProblems, readJsonFile } from "../../settings/json-file";

const work = mkdtempSync(join(tmpdir(), "encodings-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

/** What a terminal would obey or cannot show: C0 (but newline), DEL, C1, zero-width, bidi, lone surrogates (`u`: not pairs). */
const RAW = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\u061C\uFEFF\uD800-\uDFFF]/u;

/** A file of these bytes in a fresh place. */
function file(bytes: Buffer | string, name = "infra.json"): string {
  const path = join(work, `${n++}-${name}`);
  writeFileSync(path, bytes);
  return path;
}

const SETTINGS = '{"project": "soa"}';

test("a UTF-8 byte order mark is still fine", () => {
  expect(readJsonFile(file(`\uFEFF${SETTINGS}`))).toEqual({ ok: true, value: { project: "soa" } });
});

describe("a file is read whole up to the limit, whatever its size said when it was opened", () => {
  // The largest file accepted: a JSON string padded to INPUT_LIMITS.fileBytes bytes.
  const padded = (bytes: number) => `"${"x".repeat(bytes - 2)}"`;

  test("exactly the limit is read and parsed; one byte more is refused", () => {
    expect(readJsonFile(file(padded(INPUT_LIMITS.fileBytes)))).toEqual({ ok: true, value: "x".repeat(INPUT_LIMITS.fileBytes - 2) });
    const over = readJsonFile(file(padded(INPUT_LIMITS.fileBytes + 1)), "x.json");
    expect(over).toEqual({ ok: false, problem: expect.objectContaining({ expected: `larger than ${INPUT_LIMITS.fileBytes} bytes; expected a smaller JSON file` }) });
  });

  // A file that grew after it was opened holds more than its size said: the buffer grows to the limit.
  test("a file larger than its size said when opened is read to its end, and refused past the limit", () => {
    // The module object the sources' imports read from (an ES namespace import would be a frozen copy).
    const fs = jest.requireActual<typeof NodeFs>("node:fs");
    const real = fs.fstatSync;
    const spy = jest.spyOn(fs, "fstatSync").mockImplementation(((fd: number) => Object.assign(real(fd), { size: 0 })) as typeof fs.fstatSync);
    try {
      const value = { project: "soa", padding: "y".repeat(5000) };
      expect(readJsonFile(file(JSON.stringify(value)))).toEqual({ ok: true, value });
      expect(spy).toHaveBeenCalled();
      const over = readJsonFile(file(padded(INPUT_LIMITS.fileBytes + 1)), "x.json");
      expect(over).toEqual({ ok: false, problem: expect.objectContaining({ expected: expect.stringMatching(/^larger than/) }) });
    } finally {
      spy.mockRestore();
    }
  });
});

describe("bytes that are not UTF-8 are placed, never replaced", () => {
  test.each([
    ["a continuation byte alone", Buffer.from([0x7b, 0x80, 0x7d]), "byte 0x80 at offset 1, line 1, column 2"],
    ["an overlong form", Buffer.from([0x7b, 0x0a, 0x20, 0xc0, 0xaf]), "byte 0xC0 at offset 3, line 2, column 2"],
    ["an encoded surrogate (CESU-8)", Buffer.from([0x22, 0xc3, 0xa9, 0xed, 0xa0, 0x80, 0x22]), "byte 0xED at offset 3, line 1, column 3"],
    ["a truncated sequence at the end", Buffer.from([0x22, 0xe2, 0x82]), "byte 0xE2 at offset 1, line 1, column 2"],
    ["beyond U+10FFFF", Buffer.from([0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]), "byte 0xF4 at offset 1, line 1, column 2"],
  ])("%s", (_name, bytes, where) => {
    const read = readJsonFile(file(bytes), "x.json");
    expect(read).toEqual({ ok: false, problem: expect.objectContaining({ expected: expect.stringContaining(`not valid UTF-8 (${where})`) }) });
  });
});

describe("messages escape what they echo", () => {
  test.each([
    ["\u202Eevil", '"\\u202Eevil"'],
    ["a\u200Bb\u2060c\uFEFF", '"a\\u200Bb\\u2060c\\uFEFF"'],
    ["\u200E\u200F\u061C\u2066\u2069", '"\\u200E\\u200F\\u061C\\u2066\\u2069"'],
    ["\u007F\u0085\u009B", '"\\u007F\\u0085\\u009B"'],
    ["\u001B[2J", '"\\u001b[2J"'],
    ["\uDC00", '"\\udc00"'],
    ["😀 ü", '"😀 ü"'],
  ])("showValue(%j) is %s", (value, shown) => {
    expect(showValue(value)).toBe(shown);
  });

  test("shortening never cuts an escape or a surrogate pair in half", () => {
    for (let i = 0; i < 90; i++) {
      for (const tail of ["\u202E", "😀"]) {
        const shown = showValue("x".repeat(i) + tail.repeat(30))!;
        expect(shown).not.toMatch(RAW);
        expect(shown).not.toMatch(/\\u[0-9A-Fa-f]{0,3}\.\.\.$/);
        expect(shown.length).toBeLessThanOrEqual(80);
      }
    }
  });

  test("file names, paths and parser messages are escaped too", () => {
    const line = formatProblem({ file: "in\u202Efra.json", path: "a.\u200Bb", value: showValue("\u0085"), expected: "Unexpected token '\u0000'" });
    expect(line).toBe("in\\u202Efra.json: a.\\u200Bb = \"\\u0085\": Unexpected token '\\u0000'");
    expect(escapeInvisible("plain ü 😀")).toBe("plain ü 😀");
    expect(formatProblem({ file: "f", path: "a", value: showValue("x\u2067y"), expected: "expected z" })).toBe('f: a = "x\\u2067y": expected z (the value holds a bidirectional control character U+2067 at character 2)');
  });

  test("what is only escaped, not refused: zero-width characters, bidi marks and control characters in values", () => {
    expect(inputProblems({ env: "a\u200Bb\u200E\u0085\n\t" }, "f")).toEqual([]);
  });
});
