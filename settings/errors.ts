/** One bad input: where it is, what it holds and what was expected. */
export interface SettingsProblem {
  /** The file the bad value comes from (the INFRA_CONFIG file, a task definition, or the built-in defaults). */
  readonly file: string;
  /** Field path inside that file, e.g. `services.web.desiredCount` or `[0].portMappings[1].containerPort`. */
  readonly path: string;
  /** The bad value as JSON, shortened; undefined when the field is missing or the file is unreadable. */
  readonly value?: string;
  /** What was wrong and what was expected, e.g. `expected at most 65535`. */
  readonly expected: string;
}

/**
 * Adds `more` to `problems` one by one: a spread into push() passes each as an argument, and a file within the size
 * limit can hold more problems (58,000 ulimits) than the stack has room for arguments.
 */
export function addProblems(problems: SettingsProblem[], more: readonly SettingsProblem[]): void {
  for (const p of more) problems.push(p);
}

/**
 * Names for a message, in order: at most `most` of them, then how many more of `total` (a file can hold thousands;
 * `total` for a caller that holds only the first few).
 */
export function listed(names: readonly string[], most = 10, none = "none", total = names.length): string {
  if (total === 0) return none;
  const shown = names.slice(0, most);
  return total > shown.length ? `${shown.join(", ")} and ${total - shown.length} more` : shown.join(", ");
}

/** How many problems a message lists; the rest are counted. */
export const PROBLEMS_SHOWN = 20;

/** Thrown before anything is synthesized: the app prints it and exits non-zero. */
export class SettingsError extends Error {
  constructor(readonly problems: readonly SettingsProblem[]) {
    const lines = [...new Set(problems.map(formatProblem))];
    const rest = lines.length - PROBLEMS_SHOWN;
    super([...lines.slice(0, PROBLEMS_SHOWN), ...(rest > 0 ? [`… and ${rest} more problem${rest === 1 ? "" : "s"}`] : [])].join("\n"));
    this.name = "SettingsError";
  }
}

/**
 * One line of a message; every part is escaped, since file names, keys and parser messages echo what a user wrote.
 * A value that hides a zero-width or bidirectional character is told so, with where it is.
 */
export function formatProblem(p: SettingsProblem): string {
  // Keys, file names and what a message quotes come from the user: each part is cut to a length a reader takes in
  // (a 1 MB key made a 1 MB line). The value is already short (showValue).
  const part = (text: string, most: number) => cut(escapeInvisible(text), most);
  const [file, path, expected] = [part(p.file, 300), part(p.path, 300), part(p.expected, 2000)];
  const where = path ? `${file}: ${path}` : file;
  const got = p.value === undefined ? "" : ` = ${escapeInvisible(p.value)}`;
  const hidden = p.value === undefined || p.expected.includes(" at character ") ? undefined : hiddenIn(p.value);
  return `${where}${got}: ${expected}${hidden ? ` (the value holds ${hidden})` : ""}`;
}

/**
 * Escaped `text` cut to at most `most` characters, ending in "...", at a whole escape or character (a cut surrogate
 * pair would be a lone surrogate).
 */
function cut(text: string, most: number): string {
  if (text.length <= most) return text;
  let shown = "";
  for (const [piece] of text.matchAll(/\\u[0-9A-Fa-f]{4}|\\.|[\s\S]/gu)) {
    if (shown.length + piece.length > most - 3) break;
    shown += piece;
  }
  return `${shown}...`;
}

/** The first zero-width or bidirectional character of a value shown as a JSON string (not shortened), described. */
function hiddenIn(shown: string): string | undefined {
  let text: unknown;
  try {
    text = JSON.parse(shown);
  } catch {
    return undefined;
  }
  if (typeof text !== "string") return undefined;
  const first = invisibleCharacters(text).find((c) => c.kind !== "control character");
  return first && describeInvisible(first);
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) =>
      typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`,
    )
    .join("");
}

/**
 * Characters a terminal does not show as themselves: C0 and C1 controls and DEL (they move the cursor, recolour or
 * retitle the terminal), zero-width characters, bidirectional controls (they reorder the text around them, as in
 * Trojan Source, CVE-2021-42574), line and paragraph separators, and lone surrogates (no terminal can show them).
 */
const INVISIBLE =
  /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202E\u2060\u2066-\u2069\u061C\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const INVISIBLE_CHARACTER = new RegExp(`^(?:${INVISIBLE.source})$`);
const INVISIBLE_ANYWHERE = new RegExp(INVISIBLE.source);

/** The kinds of INVISIBLE characters, as a message names them. */
const KINDS: [RegExp, string][] = [
  [/^[\u0000-\u001F\u007F-\u009F]$/, "control character"],
  [/^[\u200B-\u200D\u2060\uFEFF]$/, "zero-width character"],
  [/^[\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]$/, "bidirectional control character"],
  [/^[\u2028\u2029]$/, "line or paragraph separator"],
  [/^[\uD800-\uDFFF]$/, "lone surrogate"],
];

/** `U+202E`: a character as Unicode names it. */
export function codePointName(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Text with every INVISIBLE character written as a \uXXXX escape, so a message shows it instead of obeying it. */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
}

export interface InvisibleCharacter {
  /** What it is: "bidirectional control character", "zero-width character", "control character", … */
  readonly kind: string;
  /** The character, e.g. `U+202E`. */
  readonly code: string;
  /** Where it is: 1 for the first character of the text, counting characters (code points), not UTF-16 units. */
  readonly at: number;
}

/** Every INVISIBLE character in `text`, with where it is. */
export function invisibleCharacters(text: string): InvisibleCharacter[] {
  const found: InvisibleCharacter[] = [];
  if (!INVISIBLE_ANYWHERE.test(text)) return found;
  let at = 0;
  for (const char of text) {
    at += 1;
    if (!INVISIBLE_CHARACTER.test(char)) continue;
    const kind = KINDS.find(([pattern]) => pattern.test(char))?.[1] ?? "invisible character";
    found.push({ kind, code: codePointName(char), at });
  }
  return found;
}

/** "a bidirectional control character U+202E at character 5": what was found and where. */
export function describeInvisible(c: InvisibleCharacter): string {
  return `a ${c.kind} ${c.code} at character ${c.at}`;
}

/**
 * A value as JSON, shortened to 80 characters, with INVISIBLE characters escaped (never cut in half); numbers JSON
 * cannot spell (1e400) as JavaScript reads them.
 */
export function showValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value) ? "[…]" : "{…}";
  }
  return cut(escapeInvisible(text), 80);
}
