import { readFileSync } from "node:fs";
import { type SettingsProblem } from "./errors";

/** A JSON object (not null, not a list). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; problem: SettingsProblem };

/** Reads and parses a JSON file, turning every failure into a problem that names the file and the place. */
export function readJsonFile(file: string, label: string = file): JsonResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory" : code;
    return { ok: false, problem: { file: label, path: "", expected: `cannot be read (${reason}); expected a readable JSON file` } };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: { file: label, path: "", expected: `not valid JSON (${describeJsonError(text, error as Error)})` } };
  }
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
