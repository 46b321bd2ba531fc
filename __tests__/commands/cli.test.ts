// The command-line surface every command shares (commands/cli.ts): how a bad command line is named, and options
// that npm took as its own. The commands themselves are run as processes in *.cli.test.ts.
import { type CommandSpec, commandExitCode, integerOption } from "../../commands/cli";

const SPEC = {
  name: "npm run example",
  usage: "usage: npm run example -- [--check] [--out=DIR] [--var=X …]",
  options: {
    check: { type: "boolean" },
    out: { type: "string" },
    var: { type: "string", multiple: true },
    "dry-run": { type: "boolean" },
  },
} as const satisfies CommandSpec<Record<string, { type: "string" | "boolean"; multiple?: boolean }>>;

/** Runs the example command; returns its exit code, what it was given, and what it printed. */
async function example(args: string[], env: NodeJS.ProcessEnv = {}) {
  let out = "";
  let err = "";
  let values: Record<string, unknown> | undefined;
  const code = await commandExitCode(
    SPEC,
    (parsed) => {
      values = { ...parsed.values };
      return 0;
    },
    args,
    { out: (s) => (out += s), err: (s) => (err += s) },
    env,
  );
  return { code, out, err, values };
}

const NPM = { npm_lifecycle_event: "example" };

describe("options npm took as its own (`npm run example --check`, without `--`)", () => {
  test("are read as if typed after `--`, each said on stderr", async () => {
    const result = await example([], { ...NPM, npm_config_check: "true", npm_config_out: "keys", npm_config_var: "a=1", npm_config_dry_run: "true" });
    expect(result.code).toBe(0);
    expect(result.values).toEqual({ check: true, out: "keys", var: ["a=1"], "dry-run": true });
    expect(result.err.split("\n")).toEqual([
      "(npm took --check as its own option; read as `npm run example -- --check`)",
      "(npm took --out as its own option; read as `npm run example -- --out=keys`)",
      "(npm took --var as its own option; read as `npm run example -- --var=a=1`)",
      "(npm took --dry-run as its own option; read as `npm run example -- --dry-run`)",
      "",
    ]);
  });

  test("a value npm kept apart (`--out DIR`) is refused: one line, exit 2, the command not run", async () => {
    const result = await example(["DIR"], { ...NPM, npm_config_out: "true" });
    expect(result.code).toBe(2);
    expect(result.values).toBeUndefined();
    expect(result.err).toBe(
      "npm run example: npm took --out as its own option and passed its value on as an argument; put options after `--`, as in `npm run example -- --out=VALUE` (npm run example -- --help shows the usage)\n",
    );
  });

  test("npm's blank-line join of a repeated option is split for a repeatable one and refused for the others, as is a boolean's value", async () => {
    expect((await example([], { ...NPM, npm_config_var: "a=1\n\nb=2" })).values).toEqual({ var: ["a=1", "b=2"] });
    for (const [env, message] of [
      [{ npm_config_out: "a\n\nb" }, "npm took --out as its own option, given more than once; put options after `--`, as in `npm run example -- --out=VALUE`, once"],
      [{ npm_config_check: "yes" }, "npm took --check=… as its own option, and --check takes no value; put options after `--`, as in `npm run example -- --check`"],
      [{ npm_config_var: "a=1\n\n" }, "--var needs a value, got an empty one"],
    ] as const) {
      const result = await example([], { ...NPM, ...env });
      expect(result.code).toBe(2);
      expect(result.values).toBeUndefined();
      expect(result.err).toBe(`npm run example: ${message} (npm run example -- --help shows the usage)\n`);
    }
    // --help still answers.
    expect((await example(["--help"], { ...NPM, npm_config_out: "true" })).code).toBe(0);
  });

  test("a one-value option given to npm and after `--` too is refused: one line naming both, exit 2, the command not run", async () => {
    const result = await example(["--out=/tmp/q5"], { ...NPM, npm_config_out: "/tmp/q4" });
    expect(result).toEqual({
      code: 2,
      out: "",
      values: undefined,
      err: "npm run example: --out is given twice, to npm (--out=/tmp/q4, before `--`) and after `--` (--out=/tmp/q5); give it once, after `--` (npm run example -- --help shows the usage)\n",
    });
  });

  test("a flag given both ways is the same flag; a repeatable option keeps every value, npm's first; outside npm, npm_config_* means nothing", async () => {
    expect(await example(["--check"], { ...NPM, npm_config_check: "true" })).toMatchObject({ code: 0, values: { check: true } });
    const both = await example(["--var=b=2"], { ...NPM, npm_config_var: "a=1" });
    expect(both).toMatchObject({ code: 0, values: { var: ["a=1", "b=2"] } });
    expect(both.err).toBe("(npm took --var as its own option; read as `npm run example -- --var=a=1`)\n");
    expect((await example([], { npm_config_check: "true" })).values).toEqual({});
    expect((await example([], { ...NPM, npm_config_check: "false" })).values).toEqual({});
  });
});

describe("a bad command line is one line that names the option as typed", () => {
  test.each([
    [["--out", "--check"], '--out needs a value (one that starts with "-" is written --out=VALUE)'],
    [["--out"], "--out needs a value"],
    [["--check=yes"], "--check takes no value"],
    [["--var="], "--var needs a value, got an empty one"],
    [["--var=a", "--var="], "--var needs a value, got an empty one"],
    [["--out-\u00fc"], "unknown option --out-\u00fc"],
    [["--check\u202e"], "unknown option --check\\u202E"],
    [["-HEAD"], "unknown option -H"],
  ])("%j: %s", async (args, message) => {
    const result = await example(args);
    expect(result.code).toBe(2);
    expect(result.err).toBe(`npm run example: ${message} (npm run example -- --help shows the usage)\n`);
  });
});

test("integerOption takes the whole numbers of its range, negative ones included, and names the range otherwise", () => {
  expect(integerOption("parallelism", "-1", -1, 1024)).toBe(-1);
  expect(integerOption("parallelism", "10", -1, 1024)).toBe(10);
  for (const bad of ["-2", "1025", "1.5", "0x10", "1e3", "", "-", "--1", " 10", "10 ", "10\n"]) {
    expect(() => integerOption("parallelism", bad, -1, 1024)).toThrow(`--parallelism=${bad}: expected a whole number from -1 to 1024`);
  }
});

test("an option that takes one value is refused when given twice, which would silently be the last", async () => {
  const result = await example(["--out=a", "--out", "b"]);
  expect(result.code).toBe(2);
  expect(result.err).toBe("npm run example: --out is given more than once; give it once (npm run example -- --help shows the usage)\n");
  expect((await example(["--var=a", "--var=b", "--check", "--check"])).values).toEqual({ var: ["a", "b"], check: true });
});
