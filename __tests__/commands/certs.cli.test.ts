// `npm run certs` through its built entry point (dist/commands/certs.js), as npm runs it: --out from where the user
// typed the command, the directories it refuses, the broken sets of files it will not keep, and what a write the
// system refuses leaves behind (nothing).
import { execFileSync, spawnSync } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CERT_FILES, type Leaf, PERMISSION_FIX, certificateProblem, checkCa, checkCaKey, dockerHostCertificateNames } from "../../constructs/docker-tls";
import { USAGE, ensureCertificates } from "../../commands/certs";
import { KeyUsageFlags, otherAuthority, ownKeyIdentifier, permittedDns, reissue, remakeCa, unknownCritical } from "../tls-refused";
import { certificateDirProblem } from "../../commands/certs-files";
import { loadSettings } from "../../settings/load";
import { projectRoot } from "../../settings/paths";
import { boundByModes, withMode } from "../file-permissions";

/**
 * Makes `dir` refuse new entries, even to root (chattr +i, which needs CAP_LINUX_IMMUTABLE); returns what undoes
 * it, or undefined where neither that nor a mode can do it here.
 */
function lock(dir: string): (() => void) | undefined {
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o555);
    return () => chmodSync(dir, 0o755);
  }
  if (spawnSync("chattr", ["+i", dir]).status !== 0) return undefined;
  return () => spawnSync("chattr", ["-i", dir]);
}

/** Whether lock() works here (a container without the capability cannot make a file immutable). */
const lockable = (() => {
  const dir = mkdtempSync(join(tmpdir(), "certs-lockable-"));
  const unlock = lock(dir);
  unlock?.();
  rmSync(dir, { recursive: true, force: true });
  return unlock !== undefined;
})();

/** Whether a file can be made immutable here, so that even root cannot replace it (a mode cannot do that). */
const immutable = lockable && process.getuid?.() === 0;

describe("dist/commands/certs.js, as `npm run certs` runs it", () => {
  /** A directory standing for where the user typed the command. */
  const typedIn = () => mkdtempSync(join(tmpdir(), "certs-typed-in-"));
  /** Runs the command as typed in `initCwd`; `bound`, bound by file modes as a user other than root is. */
  const run = (args: string[], initCwd: string, extraEnv: NodeJS.ProcessEnv = {}, bound = false) => {
    const env: NodeJS.ProcessEnv = { ...process.env, INFRA_CONFIG: "", INIT_CWD: initCwd, ...extraEnv };
    for (const key of Object.keys(env)) if (key.startsWith("npm_config_rotate")) delete env[key];
    const argv = [join(projectRoot, "dist", "commands", "certs.js"), ...args];
    const [command, commandArgs] = bound ? boundByModes(process.execPath, argv) : [process.execPath, argv];
    // A time limit: a path that once made it spin (/proc) fails the test instead of stalling the run.
    return spawnSync(command, commandArgs, { cwd: projectRoot, env, encoding: "utf8", timeout: 30_000 });
  };
  /** The certificate files in `dir` (regular ones only: reading a named pipe would wait for a writer). */
  const pems = (dir: string) =>
    Object.fromEntries(Object.values(CERT_FILES).filter((f) => statSync(join(dir, f), { throwIfNoEntry: false })?.isFile()).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
  const inProject = () => Object.values(CERT_FILES).filter((f) => existsSync(join(projectRoot, f)));
  const settings = loadSettings({ INFRA_CONFIG: "" });
  const names = dockerHostCertificateNames(settings.region, settings.dockerHost.dns?.name);
  let theirs: string;
  beforeAll(async () => {
    theirs = join(typedIn(), "theirs");
    await ensureCertificates({ dir: theirs, serverNames: names });
  });
  /** A complete set made by the command in <new directory>/certs. */
  const made = () => {
    const dir = join(typedIn(), "certs");
    expect(run(["--out=certs"], dirname(dir)).status).toBe(0);
    return dir;
  };

  test("`npm run certs --rotate --out=DIR` (no `--`, so npm took both) rotates DIR, not the settings' directory; `--out DIR` is refused", () => {
    const dir = made();
    const before = pems(dir);
    const npm = { npm_lifecycle_event: "certs", npm_config_out: "certs" };
    // run() drops npm_config_rotate from the test's own environment; this one is the command line's.
    const result = spawnSync(process.execPath, [join(projectRoot, "dist", "commands", "certs.js")], {
      cwd: projectRoot,
      env: { ...process.env, INFRA_CONFIG: "", INIT_CWD: dirname(dir), ...npm, npm_config_rotate: "true" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.stderr).toBe(
      "(npm took --out as its own option; read as `npm run certs -- --out=certs`)\n(npm took --rotate as its own option; read as `npm run certs -- --rotate`)\n",
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`wrote ${join(dir, CERT_FILES.serverCert)}`);
    expect(pems(dir)[CERT_FILES.serverCert]).not.toBe(before[CERT_FILES.serverCert]);
    expect(pems(dir)[CERT_FILES.ca]).toBe(before[CERT_FILES.ca]);
    expect(inProject()).toEqual([]);
    const lost = run([dir], typedIn(), { npm_lifecycle_event: "certs", npm_config_out: "true" });
    expect(lost.status).toBe(2);
    expect(lost.stderr).toMatch(/^npm run certs: npm took --out as its own option and passed its value on as an argument; put options after `--`/);
    expect(lost.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  test("--out given to npm and after `--` too (`npm run certs --out=A -- --out=B`) is refused, exit 2, one line, nothing written", () => {
    const cwd = typedIn();
    const result = run(["--out=q5"], cwd, { npm_lifecycle_event: "certs", npm_config_out: "q4" });
    expect(result).toMatchObject({
      status: 2,
      stdout: "",
      stderr: "npm run certs: --out is given twice, to npm (--out=q4, before `--`) and after `--` (--out=q5); give it once, after `--` (npm run certs -- --help shows the usage)\n",
    });
    expect(readdirSync(cwd)).toEqual([]);
  });

  test("--help prints the usage and exits 0; an unknown option is one line and exit 2", () => {
    expect(run(["--help"], typedIn())).toMatchObject({ status: 0, stdout: `${USAGE}\n`, stderr: "" });
    expect(run(["--rotat"], typedIn())).toMatchObject({
      status: 2,
      stdout: "",
      stderr: "npm run certs: unknown option --rotat (npm run certs -- --help shows the usage)\n",
    });
  });

  test("an empty --out is refused with exit 2, writing nothing anywhere", () => {
    const cwd = typedIn();
    const before = inProject();
    expect(run(["--out="], cwd)).toMatchObject({
      status: 2,
      stderr: "npm run certs: --out needs a value, got an empty one (npm run certs -- --help shows the usage)\n",
    });
    expect(readdirSync(cwd)).toEqual([]);
    expect(inProject()).toEqual(before);
  });

  test("a relative --out is a path from where the user typed the command (INIT_CWD); a directory it makes is 0700", () => {
    const cwd = typedIn();
    const result = run(["--out=tls/certs"], cwd);
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout).toContain(`wrote ${join(cwd, "tls", "certs", CERT_FILES.ca)}\n`);
    expect(readdirSync(join(cwd, "tls", "certs")).sort()).toEqual(["ca-key.pem", "ca.pem", "cert.pem", "key.pem", "server-key.pem", "server.pem"]);
    expect(statSync(join(cwd, "tls", "certs")).mode & 0o777).toBe(0o700);
  });

  test("an existing directory keeps its mode: a warning says how to close it", () => {
    const cwd = typedIn();
    mkdirSync(join(cwd, "certs"));
    chmodSync(join(cwd, "certs"), 0o750);
    const result = run(["--out=certs"], cwd);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^npm run certs: warning: .*certs is open to other users \(mode 0750\) and was not made here, .*`chmod 700 .*certs`.*\n$/);
    expect(statSync(join(cwd, "certs")).mode & 0o777).toBe(0o750);
    expect(statSync(join(cwd, "certs", CERT_FILES.clientKey)).mode & 0o777).toBe(0o600);
  });

  test("refuses the project directory, exit 2, and writes nothing there", () => {
    const before = inProject();
    const result = run(["--out=."], projectRoot);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `npm run certs: --out=.: ${projectRoot} is the project directory: the certificates need a directory of their own (npm run certs -- --help shows the usage)\n`,
    );
    expect(inProject()).toEqual(before);
    // Nor anything that holds the project.
    expect(certificateDirProblem(dirname(projectRoot))).toBe(`${dirname(projectRoot)} contains the project: the certificates need a directory of their own`);
  });

  test("--out into the project gets dockerHost.certsDir's checks: a directory git would commit, or one cdktf or npm empties, is refused, exit 2", () => {
    const mine = `mykeys-${process.pid}`;
    const nested = `.certs-test-${process.pid}`;
    const link = join(typedIn(), "project");
    symlinkSync(projectRoot, link);
    const notIgnored = `expected a directory .gitignore matches (as certs/): git would commit ${mine}/ca-key.pem, the CA's private key`;
    const nodeModules = "expected a directory outside node_modules: npm ci removes everything in node_modules before it installs";
    const cases: [string, string, string, string][] = [
      // [--out, typed in, the directory it names, why it is refused]
      [mine, projectRoot, join(projectRoot, mine), notIgnored],
      [`../${mine}`, join(projectRoot, "docs"), join(projectRoot, mine), notIgnored],
      [join(link, mine), typedIn(), join(link, mine), notIgnored],
      [`cdktf.out/keys-${process.pid}`, projectRoot, join(projectRoot, "cdktf.out", `keys-${process.pid}`),
        "expected a directory outside cdktf.out: cdktf synth removes every directory under cdktf.out/stacks that is not a stack's"],
      [`${nested}/node_modules/.keys`, projectRoot, join(projectRoot, nested, "node_modules", ".keys"), nodeModules],
      // Last: had the cases above been accepted, this one would have written into node_modules.
      ["node_modules/.keys", projectRoot, join(projectRoot, "node_modules", ".keys"), nodeModules],
    ];
    const before = inProject();
    try {
      for (const [out, cwd, dir, why] of cases) {
        expect(run([`--out=${out}`], cwd)).toMatchObject({
          status: 2,
          stdout: "",
          stderr: `npm run certs: --out=${out}: ${dir}: ${why} (npm run certs -- --help shows the usage)\n`,
        });
        expect(existsSync(dir)).toBe(false);
      }
      expect(inProject()).toEqual(before);
    } finally {
      for (const made of [mine, join("cdktf.out", `keys-${process.pid}`), nested]) rmSync(join(projectRoot, made), { recursive: true, force: true });
    }
  });

  test("a checkout git will not read for this user (dubious ownership) is refused naming git's reason, writing no key where git would commit it", () => {
    // `keys` is not in .gitignore: a user other than the checkout's owner, allowed to write there, once got the keys in it.
    const certsDir = `keys-${process.pid}`;
    const dir = join(projectRoot, certsDir);
    // In the project, which every user may read (the test's own temporary directory is its user's alone).
    const settings = join(mkdtempSync(join(projectRoot, ".certs-test-")), "infra.json");
    writeFileSync(settings, JSON.stringify({ dockerHost: { certsDir } }));
    chmodSync(dirname(settings), 0o755);
    chmodSync(settings, 0o644);
    // As another user where this runs as root (git's own refusal); anywhere, through a git that says what it says.
    const asNobody = process.getuid?.() === 0 && spawnSync("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "true"]).status === 0;
    const bin = typedIn();
    const dubious = `fatal: detected dubious ownership in repository at '${projectRoot}'`;
    writeFileSync(join(bin, "said"), `${dubious}\nTo add an exception for this directory, call:\n\n\tgit config --global --add safe.directory ${projectRoot}\n`);
    writeFileSync(join(bin, "git"), `#!/bin/sh\nwhile IFS= read -r line; do printf '%s\\n' "$line"; done < '${join(bin, "said")}' >&2\nexit 128\n`);
    chmodSync(join(bin, "git"), 0o755);
    const env = { ...process.env, INFRA_CONFIG: settings, INIT_CWD: projectRoot };
    const runs = [
      () => spawnSync(process.execPath, [join(projectRoot, "dist", "commands", "certs.js")], { cwd: projectRoot, env: { ...env, PATH: bin }, encoding: "utf8", timeout: 30_000 }),
      ...(asNobody
        ? [() => spawnSync("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", process.execPath, join(projectRoot, "dist", "commands", "certs.js")], { cwd: projectRoot, env, encoding: "utf8", timeout: 30_000 })]
        : []),
    ];
    mkdirSync(dir);
    try {
      if (asNobody) spawnSync("chown", ["nobody:nogroup", dir]);
      for (const runOnce of runs) {
        const result = runOnce();
        expect(result).toMatchObject({ status: 1, stdout: "" });
        expect(result.stderr).toBe(
          `npm run certs: dockerHost.certsDir (${certsDir}): ${dir}: ` +
            `git could not say whether it would commit the private keys in ${certsDir} ("${dubious}"): ` +
            `run this as the owner of ${projectRoot}, or trust it with \`git config --global --add safe.directory ${projectRoot}\`\n`,
        );
        expect(readdirSync(dir)).toEqual([]);
      }
      // A synth writes no key: the same settings and the same git do not stop it.
      const synth = spawnSync(process.execPath, [join(projectRoot, "commands", "synth.js"), `--output=${join(dirname(settings), "out")}`], { cwd: projectRoot, env: { ...env, PATH: `${bin}:${process.env.PATH}` }, encoding: "utf8", timeout: 60_000 });
      expect(synth.stderr).not.toContain("git could not say");
      expect(synth.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(dirname(settings), { recursive: true, force: true });
    }
  });

  test("a directory it cannot make or look up is refused in one line naming --out and why, exit 2, without hanging or writing", () => {
    const cwd = typedIn();
    writeFileSync(join(cwd, "notes.txt"), "mine\n");
    symlinkSync(join(cwd, "gone"), join(cwd, "dangling"));
    symlinkSync("loop-b", join(cwd, "loop-a"));
    symlinkSync("loop-a", join(cwd, "loop-b"));
    const long = "k".repeat(300);
    const cases: [string, string][] = [
      ["notes.txt/certs", `${join(cwd, "notes.txt", "certs")} cannot be created: ${join(cwd, "notes.txt")} is not a directory`],
      ["dangling", `${join(cwd, "dangling")} is a symbolic link to ${join(cwd, "gone")}, which does not exist`],
      ["dangling/certs", `${join(cwd, "dangling", "certs")} cannot be created: ${join(cwd, "dangling")} is a symbolic link to ${join(cwd, "gone")}, which does not exist`],
      ["loop-a", `${join(cwd, "loop-a")}: too many symbolic links encountered (ELOOP)`],
      [long, `${join(cwd, long)}: name too long (ENAMETOOLONG)`],
      ["/proc/certs", "/proc/certs is on a proc file system, which the kernel makes up and which cannot hold files: choose a directory on a disk"],
      ["/sys/certs", "/sys/certs is on a sysfs file system, which the kernel makes up and which cannot hold files: choose a directory on a disk"],
    ];
    const before = readdirSync(cwd).sort();
    for (const [out, why] of cases) {
      expect(run([`--out=${out}`], cwd)).toMatchObject({ status: 2, stdout: "", stderr: `npm run certs: --out=${out}: ${why} (npm run certs -- --help shows the usage)\n` });
    }
    expect(readdirSync(cwd).sort()).toEqual(before);
    expect(existsSync("/proc/certs") || existsSync("/sys/certs") || existsSync(join(cwd, "gone"))).toBe(false);
  });

  test("dockerHost.certsDir that leads to such a place is refused naming the setting, exit 1", () => {
    const link = join("certs", `proc-link-${process.pid}`);
    const certsDir = `${link}/docker-certs`;
    const hadCerts = existsSync(join(projectRoot, "certs"));
    mkdirSync(join(projectRoot, "certs"), { recursive: true });
    symlinkSync("/proc", join(projectRoot, link));
    const settings = join(typedIn(), "infra.json");
    writeFileSync(settings, JSON.stringify({ dockerHost: { certsDir } }));
    try {
      const result = run([], projectRoot, { INFRA_CONFIG: settings });
      expect(result).toMatchObject({
        status: 1,
        stdout: "",
        stderr: `npm run certs: dockerHost.certsDir (${certsDir}): ${join(projectRoot, certsDir)} is on a proc file system, which the kernel makes up and which cannot hold files: choose a directory on a disk\n`,
      });
    } finally {
      rmSync(join(projectRoot, link), { force: true });
      if (!hadCerts) rmSync(join(projectRoot, "certs"), { recursive: true, force: true });
    }
  });

  (lockable ? test : test.skip)("a directory it may not write to is one line naming --out, the path and why, exit 1, leaving nothing behind", () => {
    const cwd = typedIn();
    const locked = join(cwd, "locked");
    mkdirSync(locked);
    const unlock = lock(locked);
    const denied = "(operation not permitted \\(EPERM\\)|permission denied \\(EACCES\\))";
    try {
      const inside = run(["--out=locked/certs"], cwd);
      expect(inside).toMatchObject({ status: 1, stdout: "" });
      expect(inside.stderr).toMatch(new RegExp(`^npm run certs: --out=locked/certs: cannot create ${join(locked, "certs")}: ${denied}; nothing was changed\n$`));
      const into = run(["--out=locked"], cwd);
      expect(into).toMatchObject({ status: 1, stdout: "" });
      expect(into.stderr).toMatch(new RegExp(`^npm run certs: --out=locked: cannot write ${join(locked, CERT_FILES.ca)}: ${denied}; nothing was changed\n$`));
      expect(readdirSync(locked)).toEqual([]);
    } finally {
      unlock?.();
    }
  });

  (lockable ? test : test.skip)("a key it would narrow to 0600 keeps its mode when the write fails: \"nothing was changed\" holds", () => {
    const dir = made();
    chmodSync(join(dir, CERT_FILES.caKey), 0o644);
    rmSync(join(dir, CERT_FILES.clientCert));
    const modes = () => Object.fromEntries(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mode & 0o777]));
    const before = { pems: pems(dir), modes: modes() };
    const unlock = lock(dir);
    try {
      const result = run(["--out=certs"], dirname(dir));
      expect(result).toMatchObject({ status: 1, stdout: "" });
      expect(result.stderr).toMatch(
        new RegExp(`^npm run certs: --out=certs: cannot write ${join(dir, CERT_FILES.clientCert)}: (operation not permitted \\(EPERM\\)|permission denied \\(EACCES\\)); nothing was changed\n$`),
      );
      expect({ pems: pems(dir), modes: modes() }).toEqual(before);
    } finally {
      unlock?.();
    }
    // Once it may write, it narrows the key with the rest.
    expect(run(["--out=certs"], dirname(dir)).status).toBe(0);
    expect(statSync(join(dir, CERT_FILES.caKey)).mode & 0o777).toBe(0o600);
  });

  (immutable ? test : test.skip)("a rotation the system stops halfway is undone: every file as it was, nothing left behind, one line naming --out", () => {
    const dir = made();
    const before = pems(dir);
    // key.pem is replaced last: by then the other three files of the rotation are in place.
    const unlock = lock(join(dir, CERT_FILES.clientKey));
    try {
      const result = run(["--out=certs", "--rotate"], dirname(dir));
      expect(result).toMatchObject({
        status: 1,
        stdout: "",
        stderr: `npm run certs: --out=certs: cannot replace ${join(dir, CERT_FILES.clientKey)}: operation not permitted (EPERM); nothing was changed\n`,
      });
      expect(pems(dir)).toEqual(before);
      expect(readdirSync(dir).sort()).toEqual(Object.values(CERT_FILES).sort());
    } finally {
      unlock?.();
    }
  });

  test.each([
    // [the file, what takes its place, the kind named, the command that works once it is gone]
    [CERT_FILES.serverCert, "directory", "a directory", "run `npm run certs`"],
    [CERT_FILES.ca, "directory", "a directory", "run `npm run certs -- --rotate-ca`"],
    [CERT_FILES.caKey, "pipe", "a named pipe", "run `npm run certs -- --rotate-ca`"],
  ])("a %s that is a %s is named as such and nothing is written, with or without --rotate or --rotate-ca; the advice works", (file, what, kind, fix) => {
    const dir = made();
    rmSync(join(dir, file));
    if (what === "directory") {
      mkdirSync(join(dir, file));
      writeFileSync(join(dir, file, "inside"), "mine\n");
    } else {
      expect(spawnSync("mkfifo", [join(dir, file)]).status).toBe(0);
    }
    const before = pems(dir);
    const listing = readdirSync(dir).sort();
    const refusal = (advice: string) => `npm run certs: ${join(dir, file)} is ${kind}, not a file: remove it or move it away, then ${advice}\n`;
    const ca = file === CERT_FILES.ca || file === CERT_FILES.caKey;
    for (const [flags, advice] of [
      [[], fix],
      [["--rotate"], ca ? fix : "run `npm run certs -- --rotate`"],
      [["--rotate-ca"], "run `npm run certs -- --rotate-ca`"],
    ] as const) {
      expect(run(["--out=certs", ...flags], dirname(dir))).toMatchObject({ status: 1, stdout: "", stderr: refusal(advice) });
      expect(pems(dir)).toEqual(before);
      expect(readdirSync(dir).sort()).toEqual(listing);
    }
    rmSync(join(dir, file), { recursive: true });
    const args = fix.replace(/^run `npm run certs( -- )?|`$/g, "").split(" ").filter(Boolean);
    const followed = run(["--out=certs", ...args], dirname(dir));
    expect(followed).toMatchObject({ status: 0, stderr: "" });
    expect(certificateProblem(dir, names)).toBeUndefined();
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("--rotate-ca in a second that already has a backup keeps both: the new one is numbered", () => {
    const dir = made();
    // A backup is named after the second it is made in: take the next two minutes', as runs a moment before would
    // have (ten seconds once ran out before the command, started under CI's load, read the clock).
    const stamp = (t: number) => new Date(t).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    const taken = Array.from({ length: 120 }, (_, i) => `backup-${stamp(Date.now() + i * 1000)}`);
    for (const name of taken) mkdirSync(join(dir, name));
    const before = pems(dir);
    const result = run(["--out=certs", "--rotate-ca"], dirname(dir));
    expect(result).toMatchObject({ status: 0, stderr: "" });
    const made2 = readdirSync(dir).filter((f) => f.startsWith("backup-") && !taken.includes(f));
    expect(made2).toEqual([expect.stringMatching(/^backup-\d{8}T\d{6}Z-2$/)]);
    expect(taken).toContain(made2[0].replace(/-2$/, ""));
    expect(result.stdout).toContain(`kept the replaced files in ${join(dir, made2[0])}\n`);
    expect(pems(join(dir, made2[0]))).toEqual(before);
    for (const name of taken) expect(readdirSync(join(dir, name))).toEqual([]);
  });

  test.each(["package.json", ".git"])("refuses a directory holding %s, exit 2, and writes nothing there", (marker) => {
    const cwd = typedIn();
    if (marker === ".git") mkdirSync(join(cwd, marker));
    else writeFileSync(join(cwd, marker), "{}\n");
    const result = run(["--out=."], cwd);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `npm run certs: --out=.: ${cwd} holds ${marker}, so it is a project: the certificates need a directory of their own (npm run certs -- --help shows the usage)\n`,
    );
    expect(readdirSync(cwd)).toEqual([marker]);
  });

  test("refuses a directory holding files that are not certificates", () => {
    const cwd = typedIn();
    writeFileSync(join(cwd, "notes.txt"), "mine\n");
    const result = run([`--out=${cwd}`], typedIn());
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/already holds files that are not certificates \(notes\.txt\): choose a new or empty directory/);
    expect(readdirSync(cwd)).toEqual(["notes.txt"]);
  });

  test.each([
    [CERT_FILES.serverKey, CERT_FILES.serverCert],
    [CERT_FILES.clientKey, CERT_FILES.clientCert],
  ])("refuses a %s that does not match %s, naming both and -- --rotate, which repairs it", (key, cert) => {
    const dir = made();
    copyFileSync(join(theirs, key), join(dir, key));
    const before = pems(dir);
    const result = run(["--out=certs"], dirname(dir));
    expect(result).toMatchObject({
      status: 1,
      stdout: "",
      stderr: `npm run certs: ${join(dir, key)} does not match ${join(dir, cert)} (it is the key of another certificate): run \`npm run certs -- --rotate\`\n`,
    });
    expect(pems(dir)).toEqual(before);
    expect(run(["--out=certs", "--rotate"], dirname(dir)).status).toBe(0);
    expect(certificateProblem(dir, names)).toBeUndefined();
  });

  test("refuses a certificate that is not valid yet (made on a clock ahead), naming when it starts; -- --rotate repairs it", async () => {
    const dir = made();
    for (const f of [CERT_FILES.serverCert, CERT_FILES.serverKey]) rmSync(join(dir, f));
    await ensureCertificates({ dir, serverNames: names, now: new Date(Date.now() + 86_400_000) });
    const before = pems(dir);
    const result = run(["--out=certs"], dirname(dir));
    expect(result).toMatchObject({ status: 1, stdout: "" });
    expect(result.stderr).toMatch(new RegExp(`^npm run certs: ${join(dir, CERT_FILES.serverCert)} is not valid until \\w{3} .+ GMT: run \`npm run certs -- --rotate\`\n$`));
    expect(pems(dir)).toEqual(before);
    expect(run(["--out=certs", "--rotate"], dirname(dir)).status).toBe(0);
    expect(certificateProblem(dir, names)).toBeUndefined();
  });

  test("refuses certificates made for another role: the server's pair as the client's, the client's as the CA (nothing is signed with it)", () => {
    const dir = made();
    copyFileSync(join(dir, CERT_FILES.serverCert), join(dir, CERT_FILES.clientCert));
    copyFileSync(join(dir, CERT_FILES.serverKey), join(dir, CERT_FILES.clientKey));
    const before = pems(dir);
    expect(run(["--out=certs"], dirname(dir))).toMatchObject({
      status: 1,
      stdout: "",
      stderr: `npm run certs: ${join(dir, CERT_FILES.clientCert)} is not a client certificate (its extended key usage allows serverAuth, not clientAuth): run \`npm run certs -- --rotate\`\n`,
    });
    expect(pems(dir)).toEqual(before);

    // A missing pair would be issued by whatever ca.pem and ca-key.pem hold.
    const other = made();
    copyFileSync(join(other, CERT_FILES.clientCert), join(other, CERT_FILES.ca));
    copyFileSync(join(other, CERT_FILES.clientKey), join(other, CERT_FILES.caKey));
    for (const f of [CERT_FILES.serverCert, CERT_FILES.serverKey]) rmSync(join(other, f));
    const kept = pems(other);
    for (const flags of [[], ["--rotate"]]) {
      expect(run(["--out=certs", ...flags], dirname(other))).toMatchObject({
        status: 1,
        stdout: "",
        stderr: `npm run certs: ${join(other, CERT_FILES.ca)} is not a CA certificate (its basic constraints do not say CA:TRUE, or its key usage leaves out keyCertSign): run \`npm run certs -- --rotate-ca\`\n`,
      });
      expect(pems(other)).toEqual(kept);
    }
  });

  test("a CA key rewritten as SEC1 (`openssl ec -in ca-key.pem -out ca-key.pem`) still signs: no stack trace when a certificate is issued", () => {
    const dir = made();
    const sec1 = createPrivateKey(readFileSync(join(dir, CERT_FILES.caKey))).export({ type: "sec1", format: "pem" });
    writeFileSync(join(dir, CERT_FILES.caKey), sec1);
    rmSync(join(dir, CERT_FILES.clientKey));
    const result = run(["--out=certs"], dirname(dir));
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout).toContain(`wrote ${join(dir, CERT_FILES.clientCert)}\n`);
    expect(readFileSync(join(dir, CERT_FILES.caKey), "utf8")).toBe(sec1);
    expect(certificateProblem(dir, names)).toBeUndefined();
  });

  test("refuses a ca.pem holding a second CA after ours (dockerd would trust both), naming the count; -- --rotate-ca starts over", () => {
    const dir = made();
    writeFileSync(join(dir, CERT_FILES.ca), readFileSync(join(dir, CERT_FILES.ca), "utf8") + readFileSync(join(theirs, CERT_FILES.ca), "utf8"));
    const before = pems(dir);
    expect(run(["--out=certs"], dirname(dir))).toMatchObject({
      status: 1,
      stdout: "",
      stderr: `npm run certs: ${join(dir, CERT_FILES.ca)} holds 2 certificates where one certificate belongs: run \`npm run certs -- --rotate-ca\`\n`,
    });
    expect(pems(dir)).toEqual(before);
    expect(run(["--out=certs", "--rotate-ca"], dirname(dir)).status).toBe(0);
    expect(certificateProblem(dir, names)).toBeUndefined();
  });

  test("a missing ca-key.pem is named as missing (not as unreadable) when there is something to sign; nothing is written", () => {
    const dir = made();
    rmSync(join(dir, CERT_FILES.caKey));
    const before = pems(dir);
    expect(run(["--out=certs", "--rotate"], dirname(dir))).toMatchObject({
      status: 1,
      stdout: "",
      stderr: `npm run certs: ${join(dir, CERT_FILES.caKey)} is missing: run \`npm run certs -- --rotate-ca\`\n`,
    });
    expect(pems(dir)).toEqual(before);
  });

  test("a CA key kept away (under a passphrase, or elsewhere): a run with nothing to sign checks the rest and warns; one that signs refuses", () => {
    const dir = made();
    const caKey = join(dir, CERT_FILES.caKey);
    const encrypted = join(typedIn(), "encrypted.pem");
    execFileSync("openssl", ["pkcs8", "-topk8", "-in", caKey, "-passout", "pass:secret", "-out", encrypted]);
    copyFileSync(encrypted, caKey);
    const before = pems(dir);
    const kept = (state: string) =>
      `npm run certs: warning: ${caKey} ${state}: nothing needed signing, so the certificates were checked without it; \`npm run certs -- --rotate\` will need it here without one\n`;
    expect(run(["--out=certs"], dirname(dir))).toMatchObject({ status: 0, stderr: kept("is under a passphrase") });
    expect(run(["--out=certs", "--rotate"], dirname(dir))).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/^npm run certs: .*ca-key\.pem holds an encrypted private key: npm run certs signs with it and takes no passphrase: write it without one .*, or run `npm run certs -- --rotate-ca`\n$/),
    });
    expect(pems(dir)).toEqual(before);

    rmSync(caKey);
    expect(run(["--out=certs"], dirname(dir))).toMatchObject({
      status: 0,
      stderr: kept("is not there"),
      stdout: expect.stringContaining(`kept ca.pem, server.pem, server-key.pem, cert.pem, key.pem in ${dir}:`),
    });
    // Something to sign: cert.pem gone, or a certificate that no longer fits.
    rmSync(join(dir, CERT_FILES.clientCert));
    const missing = `npm run certs: ${caKey} is missing: run \`npm run certs -- --rotate-ca\`\n`;
    expect(run(["--out=certs"], dirname(dir))).toMatchObject({ status: 1, stderr: missing });
    copyFileSync(join(theirs, CERT_FILES.clientCert), join(dir, CERT_FILES.clientCert));
    expect(run(["--out=certs"], dirname(dir))).toMatchObject({ status: 1, stderr: expect.stringMatching(/^npm run certs: .*ca-key\.pem is missing: .*; .*key\.pem does not match .*cert\.pem/) });
  });

  test("certificates of another region: the region's own directory is suggested as dockerHost.certsDir would name it, relative to the project, never an absolute path the setting refuses", async () => {
    const settingsFile = join(typedIn(), "eu.json");
    writeFileSync(settingsFile, JSON.stringify({ region: "eu-central-1" }));
    const inProject = `certs/region-test-${process.pid}`;
    const outside = join(typedIn(), "certs");
    try {
      for (const dir of [join(projectRoot, inProject), outside]) await ensureCertificates({ dir, serverNames: names });
      const result = run([`--out=${join(projectRoot, inProject)}`], typedIn(), { INFRA_CONFIG: settingsFile });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`give each region its own dockerHost.certsDir (such as ${inProject}-eu-central-1) instead`);
      const away = run([`--out=${outside}`], typedIn(), { INFRA_CONFIG: settingsFile });
      expect(away.status).toBe(1);
      expect(away.stderr).toContain("give each region its own dockerHost.certsDir instead");
    } finally {
      rmSync(join(projectRoot, inProject), { recursive: true, force: true });
    }
  });

  test("the repair it names for a key under a passphrase, run as written in the directory: a wrong passphrase leaves the key, the right one makes a set it keeps", () => {
    const dir = made();
    const key = join(dir, CERT_FILES.clientKey);
    execFileSync("openssl", ["pkey", "-in", key, "-aes256", "-passout", "pass:secret", "-out", `${key}.enc`]);
    renameSync(`${key}.enc`, key);
    const encrypted = readFileSync(key, "utf8");
    const refused = run(["--out=certs"], dirname(dir));
    expect(refused.status).toBe(1);
    const repair = /`(openssl pkey [^`]+)`/.exec(refused.stderr)?.[1];
    expect(repair).toBeDefined();
    // The command asks for the passphrase on the terminal; here it is given on the command line instead.
    const answered = (passphrase: string) =>
      spawnSync("sh", ["-c", repair!.replace(/^openssl pkey /, `openssl pkey -passin pass:${passphrase} `)], { cwd: dir, encoding: "utf8" });
    expect(answered("wrong").status).not.toBe(0);
    expect(readFileSync(key, "utf8")).toBe(encrypted);
    expect(answered("secret").status).toBe(0);
    expect(statSync(key).mode & 0o077).toBe(0);
    expect(run(["--out=certs"], dirname(dir))).toMatchObject({ status: 0, stdout: expect.stringMatching(/^kept all 6 files in /) });
  });

  describe("what TLS refuses that the files' own checks do not read, as the two ends will check each other", () => {
    const refused = (dir: string, pattern: RegExp, args: string[] = []) => {
      const before = pems(dir);
      const result = run(["--out=certs", ...args], dirname(dir));
      expect(result).toMatchObject({ status: 1, stdout: "" });
      expect(result.stderr).toMatch(pattern);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(pems(dir)).toEqual(before);
    };
    const rotated = (dir: string, flag: string) => expect(run(["--out=certs", flag], dirname(dir)).status).toBe(0);

    test.each<[string, Leaf, Parameters<typeof reissue>[2] | (() => Promise<Parameters<typeof reissue>[2]>), string]>([
      ["a critical extension TLS does not handle, on the server's", "server", { extra: [unknownCritical()] }, "unhandled critical extension \\(OpenSSL: UNSPECIFIED\\)"],
      ["the same on the client's, which dockerd checks", "client", { extra: [unknownCritical()] }, "an error Node does not name, .*\\(OpenSSL: UNSPECIFIED\\)"],
      ["a key usage for signing certificates only", "server", { keyUsage: KeyUsageFlags.keyCertSign }, "unsuitable certificate purpose: its key usage or extended key usage is not for a TLS server \\(OpenSSL: INVALID_PURPOSE\\)"],
      ["another key's authority key identifier", "server", async () => ({ authorityKeyOf: await otherAuthority() }), "unable to verify the first certificate: OpenSSL finds no issuer for it in the CA file: its issuer's name or authority key identifier is not the CA's \\(OpenSSL: UNABLE_TO_VERIFY_LEAF_SIGNATURE\\)"],
    ])("%s: named with --rotate, which makes one TLS takes", async (_, leaf, options, reason) => {
      const dir = made();
      await reissue(dir, leaf, typeof options === "function" ? await options() : options);
      const file = leaf === "server" ? "server\\.pem" : "cert\\.pem";
      const checker = leaf === "server" ? "the Docker client and the readiness gate check it" : "dockerd checks it";
      refused(dir, new RegExp(`^npm run certs: \\S+/${file} is refused by TLS as ${checker} against \\S+/ca\\.pem: ${reason}: run \`npm run certs -- --rotate\`\n$`));
      rotated(dir, "--rotate");
    });

    test("a set that starts a few minutes from now (made on a clock ahead) is kept: TLS's verdict on time is left to the file checks' allowance", async () => {
      const dir = join(typedIn(), "certs");
      // npm run certs dates its certificates five minutes back: these start three minutes from now.
      await ensureCertificates({ dir, serverNames: names, now: new Date(Date.now() + 8 * 60_000) });
      expect(run(["--out=certs"], dirname(dir))).toMatchObject({ status: 0, stdout: expect.stringMatching(/^kept all 6 files in /) });
    });

    test("a CA whose key identifier is not the SHA-1 of its key (made by other tools): --rotate issues certificates that name it as it names itself", async () => {
      const dir = made();
      await remakeCa(dir, [ownKeyIdentifier()]);
      // The certificates issued before name the old identifier: OpenSSL finds no issuer for the server's.
      refused(dir, /server\.pem is refused by TLS .*UNABLE_TO_VERIFY_LEAF_SIGNATURE\): run `npm run certs -- --rotate`\n$/);
      rotated(dir, "--rotate");
      expect(run(["--out=certs"], dirname(dir))).toMatchObject({ status: 0, stdout: expect.stringMatching(/^kept all 6 files in /) });
    });

    test("a client certificate whose key usage OpenSSL refuses but Go ignores is kept: only dockerd, in Go, verifies it", async () => {
      const dir = made();
      await reissue(dir, "client", { keyUsage: KeyUsageFlags.keyEncipherment });
      expect(run(["--out=certs"], dirname(dir))).toMatchObject({ status: 0, stdout: expect.stringMatching(/^kept all 6 files in /) });
    });

    test("with the CA's key kept away, both fixes are named", async () => {
      const dir = made();
      await reissue(dir, "server", { extra: [unknownCritical()] });
      rmSync(join(dir, CERT_FILES.caKey));
      refused(dir, /server\.pem is refused by TLS .*: run `npm run certs -- --rotate` \(with \S+\/ca-key\.pem here\), or, if a new one is refused too, `npm run certs -- --rotate-ca`\n$/);
    });

    test("a CA whose name constraints leave out the host's names: a new certificate is refused too, so --rotate-ca", async () => {
      const dir = made();
      await remakeCa(dir, [permittedDns("example.com")]);
      const caRefused = /^npm run certs: TLS refuses the server certificates \S+\/ca\.pem issues, a new one too, as the Docker client and the readiness gate check it: permitted subtree violation \(OpenSSL: UNSPECIFIED\): run `npm run certs -- --rotate-ca`\n$/;
      refused(dir, caRefused);
      refused(dir, caRefused, ["--rotate"]);
      rotated(dir, "--rotate-ca");
    });
  });

  test("files this user may not read or look for: named so, with no new certificates as the fix (they would not help); nothing changes", () => {
    const dir = made();
    const before = pems(dir);
    withMode(join(dir, CERT_FILES.ca), 0o000, 0o644, () =>
      expect(run(["--out=certs"], dirname(dir), {}, true)).toMatchObject({
        status: 1,
        stderr: `npm run certs: ${join(dir, CERT_FILES.ca)} cannot be read (permission denied, EACCES): ${PERMISSION_FIX}\n`,
      }),
    );
    // Listed but not searched (r without x): the names are there, the files cannot be looked at.
    withMode(dir, 0o600, 0o700, () =>
      expect(run(["--out=certs", "--rotate"], dirname(dir), {}, true)).toMatchObject({
        status: 1,
        stderr: `npm run certs: ${dir} cannot be searched for ${CERT_FILES.ca} (permission denied, EACCES): ${PERMISSION_FIX}\n`,
      }),
    );
    withMode(dir, 0o000, 0o700, () =>
      expect(run(["--out=certs"], dirname(dir), {}, true)).toMatchObject({
        status: 2,
        stderr: `npm run certs: --out=certs: ${dir} cannot be listed: permission denied (EACCES) (npm run certs -- --help shows the usage)\n`,
      }),
    );
    expect(pems(dir)).toEqual(before);
  });

  test("refuses a CA key that does not belong to the CA, with or without --rotate (it would sign with it); --rotate-ca starts over", () => {
    const dir = made();
    copyFileSync(join(theirs, CERT_FILES.caKey), join(dir, CERT_FILES.caKey));
    const before = pems(dir);
    const refusal = `npm run certs: ${join(dir, CERT_FILES.caKey)} does not belong to ${join(dir, CERT_FILES.ca)} (it is another CA's key): run \`npm run certs -- --rotate-ca\`\n`;
    expect(run(["--out=certs"], dirname(dir))).toMatchObject({ status: 1, stderr: refusal });
    expect(run(["--out=certs", "--rotate"], dirname(dir))).toMatchObject({ status: 1, stderr: refusal });
    expect(pems(dir)).toEqual(before);
    expect(run(["--out=certs", "--rotate-ca"], dirname(dir)).status).toBe(0);
    const ca = checkCa(dir);
    expect(ca.problem ?? checkCaKey(dir, ca.value!).problem).toBeUndefined();
    expect(certificateProblem(dir, names)).toBeUndefined();
  });

  test("refuses kept certificates the CA did not issue, or empty ones, reporting every problem on one line", () => {
    const dir = made();
    for (const f of [CERT_FILES.serverCert, CERT_FILES.serverKey]) copyFileSync(join(theirs, f), join(dir, f));
    writeFileSync(join(dir, CERT_FILES.clientCert), "");
    const result = run(["--out=certs"], dirname(dir));
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `npm run certs: ${join(dir, CERT_FILES.serverCert)} was not issued by ${join(dir, CERT_FILES.ca)}: run \`npm run certs -- --rotate\`; ` +
        `${join(dir, CERT_FILES.clientCert)} is empty: run \`npm run certs -- --rotate\`\n`,
    );
  });

  test("makes a missing pair again and keeps the rest; without ca.pem it asks for --rotate-ca", () => {
    const dir = made();
    const server = readFileSync(join(dir, CERT_FILES.serverCert), "utf8");
    rmSync(join(dir, CERT_FILES.clientKey));
    const result = run(["--out=certs"], dirname(dir));
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^wrote .*\/cert\.pem\nwrote .*\/key\.pem\nkept ca\.pem, ca-key\.pem, server\.pem, server-key\.pem in /);
    expect(readFileSync(join(dir, CERT_FILES.serverCert), "utf8")).toBe(server);
    expect(certificateProblem(dir, names)).toBeUndefined();

    rmSync(join(dir, CERT_FILES.ca));
    expect(run(["--out=certs"], dirname(dir))).toMatchObject({
      status: 1,
      stderr: `npm run certs: ${join(dir, CERT_FILES.ca)} is missing but ca-key.pem, server.pem, server-key.pem, cert.pem, key.pem are there: run \`npm run certs -- --rotate-ca\` to start over (it keeps them in a backup)\n`,
    });
  });
});
