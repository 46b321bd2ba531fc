// Boot scripts run for real in a sandbox: commands they call replaced by stubs that record their arguments.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const VOLUME = "vol-0123456789abcdef0";

const sandboxes: string[] = [];
afterAll(() => sandboxes.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
export function sandbox(): string {
  const root = mkdtempSync(join(tmpdir(), "boot-"));
  sandboxes.push(root);
  return root;
}

export interface Run {
  readonly status: number | null;
  readonly stderr: string;
  readonly calls: string[];
}

/** Commands the scripts run, replaced by stubs that record their arguments; `bodies` sets what one does. */
export function stubs(root: string, bodies: Record<string, string>): string {
  mkdirSync(join(root, "bin"), { recursive: true });
  const calls = join(root, "calls");
  for (const [name, body] of Object.entries(bodies)) {
    writeFileSync(join(root, "bin", name), `#!/bin/bash\necho "${name} $*" >> '${calls}'\n${body}\n`);
    chmodSync(join(root, "bin", name), 0o755);
  }
  return calls;
}

export function run(root: string, script: string, args: string[], calls: string, path = process.env.PATH): Run {
  writeFileSync(join(root, "script.sh"), script);
  const result = spawnSync("bash", [join(root, "script.sh"), ...args], {
    env: { PATH: `${join(root, "bin")}:${path}` },
    encoding: "utf8",
  });
  return {
    status: result.status,
    stderr: result.stderr,
    calls: existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n").filter(Boolean) : [],
  };
}

/** Points a script's system paths into the sandbox; each line must be found exactly once. */
export function relocate(script: string, lines: [string, string][]): string {
  for (const [line, path] of lines) {
    expect(script.split(`\n${line}\n`)).toHaveLength(2);
    script = script.replace(`\n${line}\n`, `\n${line.split("=")[0]}='${path}'\n`);
  }
  return script;
}
