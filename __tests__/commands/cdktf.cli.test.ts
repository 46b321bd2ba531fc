// The cdktf wrapper through its entry point (node dist/commands/cdktf.js, as `npm run diff|deploy|destroy|output`
// runs it), at the edges of its command line: what it refuses before cdktf starts, and the arguments cdktf gets when
// it does start. cdktf itself is stopped where it starts: a module preloaded through NODE_OPTIONS records the
// arguments of the cdktf CLI's process and ends it, so nothing is synthesized, initialised or planned.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../../settings/paths";

const work = mkdtempSync(join(tmpdir(), "cdktf-cli-"));
const stub = join(work, "stop-cdktf.js");
writeFileSync(
  stub,
  // Only the cdktf CLI's own process (node_modules/.bin/cdktf), not the wrapper (dist/commands/cdktf.js).
  `if (/[\\\\/]cdktf$/.test(process.argv[1] || "")) {
  require("node:fs").writeFileSync(process.env.STOPPED_CDKTF_ARGS, JSON.stringify(process.argv.slice(2)));
  process.exit(0);
}
`,
);
// A Terraform CLI configuration of the user's own: the wrapper neither looks up the registry nor adds the mirror.
const ownCliConfig = join(work, "terraformrc");
writeFileSync(ownCliConfig, "");

let runs = 0;

/** Runs the wrapper as npm would, typed in `work`; `cdktf` is what the cdktf CLI was started with, if it was. */
function wrapper(args: string[], env: NodeJS.ProcessEnv = {}) {
  const argsFile = join(work, `cdktf-args-${++runs}.json`);
  const result = spawnSync(process.execPath, [join(projectRoot, "dist", "commands", "cdktf.js"), ...args], {
    cwd: projectRoot,
    env: {
      ...process.env,
      INFRA_CONFIG: "",
      INIT_CWD: work,
      TF_CLI_CONFIG_FILE: ownCliConfig,
      NODE_OPTIONS: `--require ${stub}`,
      STOPPED_CDKTF_ARGS: argsFile,
      ...env,
    },
    encoding: "utf8",
  });
  const cdktf: string[] | undefined = existsSync(argsFile) ? JSON.parse(readFileSync(argsFile, "utf8")) : undefined;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, cdktf };
}

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp) {
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at |this is a bug/);
}

test("--help before a command prints the commands on stdout and exits 0", () => {
  for (const flag of ["--help", "-h"]) {
    const result = wrapper([flag]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm run diff\|deploy\|destroy\|output -- /);
    expect(result.stderr).toBe("");
  }
});

test("no command, or an unknown one, is a usage error on stderr", () => {
  for (const args of [[], ["plan"]]) {
    const result = wrapper(args);
    expect(result.status).toBe(2);
    expectOneLine(result.stderr, /^usage: npm run diff\|deploy\|destroy\|output -- /);
    expect(result.cdktf).toBeUndefined();
  }
});
