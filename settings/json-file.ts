import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { type SettingsProblem, formatPath, showValue } from "./errors";

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
 * accepts a UTF-8 byte order mark.
 */
export function readJsonFile(file: string, label: string = file): JsonResult {
  const fail = (expected: string): JsonResult => ({ ok: false, problem: { file: label, path: "", expected } });
  let text: string;
  try {
    // Before opening: opening a FIFO would wait for a writer forever.
    if (!statSync(file).isFile()) return fail("cannot be read (not a regular file); expected a JSON file");
    const fd = openSync(file, "r");
    try {
      if (!fstatSync(fd).isFile()) return fail("cannot be read (not a regular file); expected a JSON file");
      const buffer = Buffer.alloc(INPUT_LIMITS.fileBytes + 1);
      let length = 0;
      for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
      if (length > INPUT_LIMITS.fileBytes) return fail(`larger than ${INPUT_LIMITS.fileBytes} bytes; expected a smaller JSON file`);
      text = buffer.subarray(0, length).toString("utf8").replace(/^\uFEFF/, "");
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
  return { ok: true, value };
}

/**
 * What no setting or task definition may hold, found in one pass that does not recurse (so no nesting depth can
 * overflow the stack): nesting beyond INPUT_LIMITS.depth, `__proto__` keys (JavaScript would drop them
 * silently), cdktf token markers (cdktf would turn them into references to other values), and numbers that are
 * not finite or beyond INPUT_LIMITS.number.
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
