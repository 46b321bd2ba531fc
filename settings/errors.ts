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

export function formatProblem(p: SettingsProblem): string {
  const where = p.path ? `${p.file}: ${p.path}` : p.file;
  const got = p.value === undefined ? "" : ` = ${p.value}`;
  return `${where}${got}: ${p.expected}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) =>
      typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`,
    )
    .join("");
}

/** A value as JSON, shortened to 80 characters; numbers JSON cannot spell (1e400) as JavaScript reads them. */
export function showValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value) ? "[…]" : "{…}";
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
