import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { type SettingsProblem, describeInvisible, formatPath, invisibleCharacters, showValue } from "./errors";

/** Limits on what a settings or task-definition file may hold; larger inputs are refused, never read whole. */
export const INPUT_LIMITS = {
  /** Bytes in one file. */
  fileBytes: 1024 * 1024,
  /** Levels of nesting (the settings need 6, a container definition 5). */
  depth: 32,
  /** Largest magnitude of a number: beyond it cdktf reads some doubles as references to other values. */
  number: Number.MAX_SAFE_INTEGER,
} as const;

/** cdktf's markers for unresolved strings, lists and maps. */
const TOKEN_MARKER = /[$#&]\{TfToken\[/;

/** A JSON object (not null, not a list). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `record[key]` when `key` is the record's own entry; never an inherited one such as `constructor`. */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; problem: SettingsProblem };

/**
 * Reads and parses a JSON file, turning every failure into a problem that names the file and the place. Reads at
 * most INPUT_LIMITS.fileBytes (a device such as /dev/zero is refused, not read until memory runs out), and
 * accepts a UTF-8 byte order mark. Only UTF-8 is read: UTF-16 and UTF-32 are named and refused, and bytes that are
 * not UTF-8 (Latin-1, Windows-1252) are refused at their offset, never replaced by U+FFFD.
 */
export function readJsonFile(file: string, label: string = file): JsonResult {
  const fail = (expected: string): JsonResult => ({ ok: false, problem: { file: label, path: "", expected } });
  let text: string;
  try {
    // Before opening: opening a FIFO would wait for a writer forever.
    if (!statSync(file).isFile()) return fail("cannot be read (not a regular file); expected a JSON file");
    const fd = openSync(file, "r");
    try {
      const opened = fstatSync(fd);
      if (!opened.isFile()) return fail("cannot be read (not a regular file); expected a JSON file");
      // Sized by what the file holds now (one byte more, to see it end), grown if it grows while read: a zeroed
      // buffer of the whole limit for each file was most of the time a settings resolution spent reading.
      const limit = INPUT_LIMITS.fileBytes + 1;
      let buffer = Buffer.allocUnsafe(Math.min(opened.size + 1, limit));
      let length = 0;
      for (let n; (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) {
        length += n;
        if (length === limit) break;
        if (length === buffer.length) buffer = Buffer.concat([buffer], Math.min(buffer.length * 2, limit));
      }
      if (length > INPUT_LIMITS.fileBytes) return fail(`larger than ${INPUT_LIMITS.fileBytes} bytes; expected a smaller JSON file`);
      const bytes = buffer.subarray(0, length);
      const encoding = otherEncoding(bytes);
      if (encoding) return fail(`encoded as ${encoding}; expected UTF-8 (RFC 8259 §8.1): save the file as UTF-8`);
      const decoded = decodeUtf8(bytes);
      if (typeof decoded !== "string") return fail(decoded.expected);
      text = decoded;
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory" : code;
    return fail(`cannot be read (${reason}); expected a readable JSON file`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${describeJsonError(text, error as Error)})`);
  }
  const twice = duplicateKey(text);
  if (twice) {
    return {
      ok: false,
      problem: {
        file: label,
        path: formatPath(twice.path),
        expected: `given twice in one object (lines ${twice.lines[0]} and ${twice.lines[1]}): JSON keeps only the last, and the first would be ignored without a word; remove one`,
      },
    };
  }
  return { ok: true, value };
}

/**
 * The first key that valid JSON `text` gives twice in one object, with its path and the lines of both, or
 * undefined. JSON.parse keeps the last silently (RFC 8259 §4 leaves duplicates to the reader), so a setting
 * copied further down would override one the user is looking at. Keys are compared as parsed: `"\u0061"` is `"a"`.
 * One pass, no recursion: the nesting depth cannot overflow the stack.
 */
export function duplicateKey(text: string): { path: (string | number)[]; lines: [number, number] } | undefined {
  type Frame = { keys: Map<string, number>; key?: string; expectsKey: boolean } | { keys?: undefined; index: number };
  const frames: Frame[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const top = frames[frames.length - 1];
      // Keys nested deeper than INPUT_LIMITS.depth are left to inputProblems, which refuses their nesting in a line
      // of its own length: a duplicate 170,000 levels down would be named by a path of that many keys.
      if (top?.keys && top.expectsKey && frames.length <= INPUT_LIMITS.depth) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const first = top.keys.get(key);
        // The path only for the answer: made for every key, it cost O(depth) each (9.8 s for 20,000 levels).
        if (first !== undefined) return { path: [...frames.slice(0, -1).map((f) => (f.keys ? (f.key ?? "") : f.index)), key], lines: [first, line] };
        top.keys.set(key, line);
        top.key = key;
        top.expectsKey = false;
      }
      i = end;
    } else if (c === "{") frames.push({ keys: new Map(), expectsKey: true });
    else if (c === "[") frames.push({ index: 0 });
    else if (c === "}" || c === "]") frames.pop();
    else if (c === ",") {
      const top = frames[frames.length - 1];
      if (top?.keys) top.expectsKey = true;
      else if (top) top.index++;
    }
  }
  return undefined;
}

/**
 * What no setting or task definition may hold, found in one pass that does not recurse (so no nesting depth can
 * overflow the stack): nesting beyond INPUT_LIMITS.depth, `__proto__` keys (JavaScript would drop them
 * silently), cdktf token markers (cdktf would turn them into references to other values), and numbers that are
 * not finite or beyond INPUT_LIMITS.number; and text that is not what it shows: lone surrogates (UTF-8 cannot
 * hold them, so Terraform would read U+FFFD), bidirectional controls in values (text that displays in another
 * order than Terraform and Docker read it), and any control (but NUL), zero-width or bidirectional character in
 * keys (names a reader cannot tell apart).
 */
export function inputProblems(root: unknown, file: string): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const report = (path: PropertyKey[], value: unknown, expected: string) =>
    problems.push({ file, path: formatPath(path), value: showValue(value), expected });
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      if (TOKEN_MARKER.test(value)) report(path, value, "expected text without cdktf token markers (${TfToken[…]})");
      const unreadable = textProblem(value, VALUE_REFUSED);
      if (unreadable) report(path, value, unreadable);
    } else if (typeof value === "number") {
      if (!Number.isFinite(value) || Math.abs(value) > INPUT_LIMITS.number) {
        report(path, value, `expected a finite number of at most ${INPUT_LIMITS.number} in magnitude`);
      }
    } else if (typeof value === "object" && value !== null) {
      if (path.length >= INPUT_LIMITS.depth) {
        report(path, undefined, `nested deeper than ${INPUT_LIMITS.depth} levels; expected a flatter structure`);
        continue;
      }
      const entries: [PropertyKey, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
      for (const [key, child] of entries.reverse()) {
        if (key === "__proto__") report([...path, key], undefined, 'a key JavaScript cannot hold; expected a setting name, not "__proto__"');
        else if (typeof key === "string" && TOKEN_MARKER.test(key)) report([...path, key], undefined, "expected a key without cdktf token markers (${TfToken[…]})");
        else if (typeof key === "string" && hasTextProblem(key)) report([...path, key], undefined, `the key ${textProblem(key, KEY_REFUSED)}`);
        else stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return problems;
}

function describeJsonError(text: string, error: Error): string {
  const match = /position (\d+)/.exec(error.message);
  const reason = error.message.replace(/ in JSON at position \d+.*$/s, "").replace(/ at position \d+.*$/s, "");
  if (!match) return reason;
  const before = text.slice(0, Number(match[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `${reason} at line ${line}, column ${column}`;
}

/** Of the characters invisibleCharacters finds, those no value may hold (keys may hold none of them). */
const VALUE_REFUSED = (kind: string, code: string) => kind === "lone surrogate" || (kind === "bidirectional control character" && BIDI_EMBEDDINGS.includes(code));
/** NUL is left to the checks of what it reaches (task-definitions.ts names the runtime's rule). */
const KEY_REFUSED = (_kind: string, code: string) => code !== "U+0000";
const hasTextProblem = (key: string) => textProblem(key, KEY_REFUSED) !== undefined;
/** Embeddings, overrides and isolates: they reorder all the text up to their end, not one neutral character as marks do. */
const BIDI_EMBEDDINGS = ["U+202A", "U+202B", "U+202C", "U+202D", "U+202E", "U+2066", "U+2067", "U+2068", "U+2069"];

/** What is wrong with a string or key, saying what was found and where, or undefined when nothing `refused` is in it. */
function textProblem(text: string, refused: (kind: string, code: string) => boolean): string | undefined {
  const found = invisibleCharacters(text).filter((c) => refused(c.kind, c.code));
  if (found.length === 0) return undefined;
  const first = found[0];
  const more = found.length > 1 ? ` (and ${found.length - 1} more)` : "";
  const expected =
    first.kind === "lone surrogate" ? "expected text UTF-8 can hold (a \\uD800–\\uDBFF escape needs its \\uDC00–\\uDFFF pair, and the other way round)"
    : first.kind === "bidirectional control character" ? "expected text without bidirectional controls, which make it display in another order than Terraform and Docker read it"
    : "expected visible characters only";
  return `contains ${describeInvisible(first)}${more}; ${expected}`;
}

/** What the first bytes say a file that is not UTF-8 holds: its byte order mark or, without one, the NUL bytes ASCII leaves in UTF-16 and UTF-32 (RFC 4627 §3). */
function otherEncoding(bytes: Uint8Array): string | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return "UTF-32LE (byte order mark FF FE 00 00)";
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return "UTF-32BE (byte order mark 00 00 FE FF)";
  if (a === 0xff && b === 0xfe) return "UTF-16LE (byte order mark FF FE)";
  if (a === 0xfe && b === 0xff) return "UTF-16BE (byte order mark FE FF)";
  // JSON text begins with two ASCII characters; their NUL bytes show the encoding.
  const zero = [a, b, c, d].slice(0, Math.min(bytes.length, 4)).map((x) => (x === 0 ? "0" : "x")).join("");
  const pattern = bytes.length >= 4 ? zero : zero.slice(0, 2);
  const byPattern: Record<string, string> = { "000x": "UTF-32BE", x000: "UTF-32LE", "0x0x": "UTF-16BE", x0x0: "UTF-16LE", "0x": "UTF-16BE", x0: "UTF-16LE" };
  const name = own(byPattern, pattern);
  return name && `${name} (no byte order mark; NUL bytes where ASCII characters begin)`;
}

/** The text of UTF-8 bytes (a byte order mark removed), or what is wrong: the first byte that is not UTF-8, and where. */
function decodeUtf8(bytes: Uint8Array): string | { expected: string } {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const at = invalidUtf8Offset(bytes);
    const before = bytes.subarray(0, at);
    const lineStart = before.lastIndexOf(0x0a) + 1;
    const line = before.filter((x) => x === 0x0a).length + 1;
    const column = [...new TextDecoder().decode(before.subarray(lineStart))].length + 1;
    const byte = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    return { expected: `not valid UTF-8 (byte 0x${byte} at offset ${at}, line ${line}, column ${column}); expected UTF-8: save the file as UTF-8 (Latin-1 or Windows-1252 text is not guessed at)` };
  }
}

/** The offset of the first byte that does not begin a well-formed UTF-8 sequence (Unicode, Table 3-7). */
function invalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) {
      i += 1;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    // The second byte's range is narrower after E0, ED, F0 and F4: no overlong forms, surrogates or values past U+10FFFF.
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return bytes.length;
}
