// One command-line surface for every command we ship: `--help` prints the usage and exits 0; an unknown flag, a
// missing or bad value, or a stray argument prints one line that names it and exits 2; an error the user can fix
// prints one line and exits 1. Only a bug in our own code prints a stack trace.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { SettingsError, escapeInvisible, invisibleCharacters } from "../settings/errors";

/** A bad command line: one line, exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A condition the user can fix (a missing file, a failed check): its message, no trace, exit 1 unless told. */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface CommandSpec<O extends Options> {
  /** How the user runs it, e.g. `npm run graph`. */
  readonly name: string;
  /** The whole usage text, starting with `usage: …`. */
  readonly usage: string;
  readonly options: O;
  /** How many positional arguments it takes; none when left out. */
  readonly positionals?: { readonly min?: number; readonly max?: number; readonly name?: string };
}

type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>;

/** Parses `args` against `spec`; throws UsageError with one line for anything it does not take. */
export function parseCommandLine<O extends Options>(spec: CommandSpec<O>, args: readonly string[]): Parsed<O> & { help: boolean } {
  const options = { ...spec.options, help: { type: "boolean", short: "h" } } as O;
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true, tokens: true }) as Parsed<O>;
  } catch (error) {
    throw new UsageError(parseArgsMessage(error as Error));
  }
  // A value given twice would silently be the last one: `--host=a --host=b` waits for b.
  const seen = new Set<string>();
  for (const token of (parsed as { tokens?: { kind: string; name?: string }[] }).tokens ?? []) {
    if (token.kind !== "option" || !token.name) continue;
    const option = options[token.name] as { type: string; multiple?: boolean };
    if (option.type !== "string" || option.multiple) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once; give it once`);
    seen.add(token.name);
  }
  const help = Boolean((parsed.values as Record<string, unknown>).help);
  if (!help) {
    const { min = 0, max = 0, name = "argument" } = spec.positionals ?? {};
    if (parsed.positionals.length > max) {
      const extra = parsed.positionals[max];
      throw new UsageError(max === 0 ? `takes no arguments, got ${JSON.stringify(extra)}` : `too many ${name}s: ${JSON.stringify(extra)}`);
    }
    if (parsed.positionals.length < min) throw new UsageError(`expected ${min === 1 ? `a ${name}` : `${min} ${name}s`}`);
    for (const [key, value] of Object.entries(parsed.values as Record<string, unknown>)) {
      // A repeatable option gives a list: each of its values must be there.
      const empty = Array.isArray(value) ? value.includes("") : value === "";
      if (empty && (options[key] as { type: string }).type === "string") throw new UsageError(`--${key} needs a value, got an empty one`);
    }
  }
  return Object.assign(parsed, { help });
}

/** node:util's parseArgs messages, in one line and in our words, naming the option as the user typed it. */
export function parseArgsMessage(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  const first = error.message.split("\n")[0];
  // "Unknown option '--x'. To specify…", "Option '-o, --output <value>' argument missing", "Option '--output'
  // argument is ambiguous." (its value looks like an option), "Option '-h, --help' does not take an argument"
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    // The whole message: an option typed with a line break in it spans lines.
    const typed = /^Unknown option '([\s\S]*?)'\. To specify/.exec(error.message)?.[1];
    if (typed) return `unknown option ${escapeInvisible(typed)}`;
  }
  const quoted = /'([^']+)'/.exec(first)?.[1] ?? "";
  const option = /--\S+/.exec(quoted)?.[0] ?? quoted.split(/[ ,]/)[0];
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) {
    if (/does not take an argument/.test(first)) return `${option} takes no value`;
    // "ambiguous": what follows it starts with "-", as a negative number does (`--parallelism -1`).
    return /ambiguous/.test(first) ? `${option} needs a value (one that starts with "-" is written ${option}=VALUE)` : `${option} needs a value`;
  }
  return escapeInvisible(first.replace(/\.$/, ""));
}

/**
 * The command's options that npm took as its own: `npm run docs --check`, without `--`, reaches the script only as
 * npm_config_check=true in its environment (npm warns of an "Unknown cli config"), so the check would silently not
 * happen. Each is read as if typed after `--` (commandExitCode refuses a one-value option typed there too). A string
 * option written with a space (`--out DIR`) arrives as "true", its value passed on as an argument: that is refused,
 * since the value can only be guessed.
 */
function optionsNpmTook(spec: CommandSpec<Options>, env: NodeJS.ProcessEnv): { name: string; value: string | true }[] {
  if (env.npm_lifecycle_event === undefined) return []; // not run by npm
  const took: { name: string; value: string | true }[] = [];
  for (const [name, option] of Object.entries(spec.options)) {
    const value = env[`npm_config_${name.replace(/-/g, "_")}`];
    if (value === undefined || value === "false") continue;
    // `--out=` before `--`: npm keeps it as an empty value (`--rotate=` too, which the flag refuses below).
    if (value === "" && option.type !== "boolean") throw new UsageError(`--${name} needs a value, got an empty one`);
    const after = `put options after \`--\`, as in \`${spec.name} -- --${name}${option.type === "boolean" ? "" : "=VALUE"}\``;
    if (option.type === "boolean") {
      if (value !== "true") throw new UsageError(`npm took --${name}=… as its own option, and --${name} takes no value; ${after}`);
      took.push({ name, value: true });
    } else if (value === "true") {
      throw new UsageError(`npm took --${name} as its own option and passed its value on as an argument; ${after}`);
    } else {
      // npm joins the values of an option it was given more than once with a blank line.
      const values = value.split("\n\n");
      if (values.includes("")) throw new UsageError(`--${name} needs a value, got an empty one`);
      if (values.length > 1 && !option.multiple) throw new UsageError(`npm took --${name} as its own option, given more than once; ${after}, once`);
      for (const v of values) took.push({ name, value: v });
    }
  }
  return took;
}

/**
 * Refuses a path option's value no one means: one that begins with "=" (getopt reads `-o=x` as the path "=x"), or
 * with spaces or control characters at its ends (a quoting slip in a script), which would name a file the user
 * cannot see. Such characters within a name are the user's, and shown escaped wherever the path is named.
 */
export function checkPathOption(name: string, value: string, short?: string): void {
  const shown = `"${escapeInvisible(value)}"`;
  if (value.startsWith("=")) throw new UsageError(`--${name} ${shown} starts with "=": write --${name}=PATH${short ? ` or -${short} PATH` : ""}`);
  if (value.trim() !== value || invisibleCharacters(`${value.at(0) ?? ""}${value.at(-1) ?? ""}`).length > 0) {
    throw new UsageError(`--${name}=${shown}: has leading or trailing spaces, or control characters; expected a path as it is`);
  }
}

/** How to ask a command for its usage: npm passes options to the script only after `--`. */
export function helpCommand(name: string): string {
  return name.startsWith("npm run ") ? `${name} -- --help` : `${name} --help`;
}

/**
 * A whole number from `--name=value`, within [min, max], written as digits alone: a space around them is a quoting
 * slip in a script (`--port=' 2376'`), refused as the rest, not read past.
 */
export function integerOption(name: string, value: string, min: number, max: number, unit = ""): number {
  const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name}=${value}: expected a whole number${unit ? ` of ${unit}` : ""} from ${min} to ${max}`);
  }
  return n;
}

/**
 * Runs a command: `main` gets the parsed command line and returns the exit code. Usage errors exit 2, user
 * errors and bad settings 1, each as one line (settings errors list their problems); anything else is a bug.
 */
export function runCommand<O extends Options>(
  spec: CommandSpec<O>,
  main: (parsed: Parsed<O>) => number | Promise<number>,
  args: readonly string[] = process.argv.slice(2),
): void {
  commandExitCode(spec, main, args).then((code) => (process.exitCode = code));
}

/** runCommand's work, returning the exit code (for tests and for commands that run others). */
export async function commandExitCode<O extends Options>(
  spec: CommandSpec<O>,
  main: (parsed: Parsed<O>) => number | Promise<number>,
  args: readonly string[],
  io: { out: (s: string) => void; err: (s: string) => void } = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    // What npm took explains a stray argument (`--out DIR`), so its refusal comes before the command line's own.
    let took: ReturnType<typeof optionsNpmTook> = [];
    let npmProblem: unknown;
    try {
      took = optionsNpmTook(spec, env);
    } catch (error) {
      npmProblem = error;
    }
    let parsed: ReturnType<typeof parseCommandLine<O>>;
    try {
      parsed = parseCommandLine(spec, args);
    } catch (error) {
      throw npmProblem ?? error;
    }
    if (parsed.help) {
      io.out(`${spec.usage.trimEnd()}\n`);
      return 0;
    }
    if (npmProblem) throw npmProblem;
    const values = parsed.values as Record<string, unknown>;
    const typed = new Set(Object.keys(values));
    const fromNpm: Record<string, unknown[]> = {};
    for (const { name, value } of took) {
      const { type, multiple } = spec.options[name] as { type: string; multiple?: boolean };
      // A flag given both ways is the same flag.
      if (typed.has(name) && type === "boolean") continue;
      // Which of two values was meant can only be guessed: `npm run certs --out=A -- --out=B` once wrote to B.
      if (typed.has(name) && !multiple) {
        const after = `--${name}=${escapeInvisible(String(values[name]))}`;
        throw new UsageError(`--${name} is given twice, to npm (--${name}=${escapeInvisible(String(value))}, before \`--\`) and after \`--\` (${after}); give it once, after \`--\``);
      }
      if (multiple) (fromNpm[name] ??= []).push(value);
      else values[name] = value;
      io.err(`(npm took --${name} as its own option; read as \`${spec.name} -- --${name}${value === true ? "" : `=${escapeInvisible(value)}`}\`)\n`);
    }
    // A repeatable option keeps every value, npm's first: they came first on the command line.
    for (const [name, list] of Object.entries(fromNpm)) values[name] = [...list, ...((values[name] as unknown[] | undefined) ?? [])];
    return await main(parsed);
  } catch (error) {
    if (error instanceof UsageError) {
      // One line whatever the user typed: a value's line break is shown as \u000A, not obeyed.
      io.err(`${spec.name}: ${escapeInvisible(error.message)} (${helpCommand(spec.name)} shows the usage)\n`);
      return 2;
    }
    if (error instanceof UserError) {
      io.err(`${spec.name}: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof SettingsError) {
      io.err(`Invalid settings, ${spec.name} did nothing:\n${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
