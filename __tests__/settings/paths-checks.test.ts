// Directories other tools delete (cdktf.out, node_modules) or publish (whatever git does not ignore) may not hold
// the state or the certificates: refused at synth with the field, the value and the rule (through the real entry
// point: paths-checks.cli.test.ts).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { settingsProblems } from "../helpers";
import { projectRoot } from "../../settings/paths";
import { resolveSettings } from "../../settings/load";
import { certsDirProblem, stateDirProblem } from "../../settings/paths-checks";

const work = mkdtempSync(join(tmpdir(), "paths-checks-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CDKTF_OUT = "expected a directory outside cdktf.out: cdktf synth removes every directory under cdktf.out/stacks that is not a stack's";
const NODE_MODULES = "expected a directory outside node_modules: npm ci removes everything in node_modules before it installs";
const PROJECT = "expected a directory of its own, not the project directory: its files are committed and shared";
const TRACKED = "expected a directory git does not track: the private keys would be committed next to its files";
const NOT_IGNORED = (dir: string) => `expected a directory .gitignore matches (as certs/): git would commit ${dir}/ca-key.pem, the CA's private key`;

const problems = (overlay: unknown) => settingsProblems(overlay);

describe("the local state directory", () => {
  test.each([["cdktf.out/state", CDKTF_OUT], ["./cdktf.out", CDKTF_OUT], ["CDKTF.OUT/x", CDKTF_OUT], ["node_modules/.state", NODE_MODULES], ["tools/node_modules/x", NODE_MODULES]])(
    "%s is refused",
    (dir, message) => {
      expect(stateDirProblem(dir)).toBe(message);
    },
  );

  test("the stacks of an environment's output directory (cdktf.out.<name>, as docs/backups-and-environments.md names them), where synth removes", () => {
    const of = (name: string) => `expected a directory outside ${name}: cdktf synth removes every directory under ${name}/stacks that is not a stack's`;
    expect(stateDirProblem("cdktf.out.prod/stacks/state")).toBe(of("cdktf.out.prod"));
    expect(stateDirProblem("./cdktf.out.staging/stacks")).toBe(of("cdktf.out.staging"));
    expect(stateDirProblem("cdktf.out.staging/state")).toBeUndefined();
    expect(problems({ dockerHost: { certsDir: "cdktf.out.prod/stacks/keys" } })).toEqual([
      `infra.json: dockerHost.certsDir = "cdktf.out.prod/stacks/keys": ${of("cdktf.out.prod")}`,
    ]);
  });

  test("directories that only look alike pass", () => {
    for (const dir of ["terraform-state", "state/cdktf.out", "cdktf.output", "node_modules2"]) expect(stateDirProblem(dir)).toBeUndefined();
  });

  test("refused in the settings, with the field and the value", () => {
    expect(problems({ state: { localDir: "cdktf.out/stacks/state" } })).toEqual([`infra.json: state.localDir = "cdktf.out/stacks/state": ${CDKTF_OUT}`]);
    expect(problems({ state: { localDir: "node_modules/state" } })).toEqual([`infra.json: state.localDir = "node_modules/state": ${NODE_MODULES}`]);
  });
});

describe("the certificates directory", () => {
  test("the project directory, in any spelling, is refused", () => {
    for (const dir of [".", "", "./", "certs/.."]) expect(certsDirProblem(dir)).toBe(PROJECT);
  });

  test("a directory git tracks, or does not ignore, is refused; certs/ and certs/<environment> pass", () => {
    expect(certsDirProblem("settings")).toBe(TRACKED);
    expect(certsDirProblem("keys")).toBe(NOT_IGNORED("keys"));
    expect(certsDirProblem("certs")).toBeUndefined();
    expect(certsDirProblem("certs/prod")).toBeUndefined();
    expect(certsDirProblem("node_modules/certs")).toBe(NODE_MODULES);
    // git's own directory: neither tracked nor ignored, and no place for keys.
    for (const dir of [".git/certs", ".git", "./.git/x/y"]) expect(certsDirProblem(dir)).toBe("expected a directory of its own: .git is where git keeps its own files");
    expect(certsDirProblem(".github-certs")).toBe(NOT_IGNORED(".github-certs"));
  });

  test("a package is refused; outside a repository, or without git, git is not asked", () => {
    const root = join(work, "no-repo");
    mkdirSync(join(root, "pkg"), { recursive: true });
    writeFileSync(join(root, "pkg", "package.json"), "{}");
    expect(certsDirProblem("pkg", root)).toBe("expected a directory of its own, not a package (it holds package.json)");
    expect(certsDirProblem("keys", root)).toBeUndefined();
    const path = process.env.PATH;
    process.env.PATH = join(work, "nothing-here");
    try {
      expect(certsDirProblem("keys")).toBeUndefined();
    } finally {
      process.env.PATH = path;
    }
  });

  /** Runs `check` with a `git` on the PATH that prints `stderr` and exits `status`, as git does when it refuses. */
  const withGit = <T>(stderr: string, status: number, check: () => T): T => {
    const bin = mkdtempSync(join(work, "git-"));
    writeFileSync(join(bin, "said"), stderr);
    // Builtins only: the PATH holds nothing else.
    writeFileSync(join(bin, "git"), `#!/bin/sh\nwhile IFS= read -r line; do printf '%s\\n' "$line"; done < '${join(bin, "said")}' >&2\nexit ${status}\n`);
    chmodSync(join(bin, "git"), 0o755);
    const path = process.env.PATH;
    process.env.PATH = bin;
    try {
      return check();
    } finally {
      process.env.PATH = path;
    }
  };

  test("a repository git refuses to read (another user's checkout) is refused for writing keys in one line quoting git: it is not 'no repository'", () => {
    const dubious =
      `fatal: detected dubious ownership in repository at '${projectRoot}'\nTo add an exception for this directory, call:\n\n` +
      `\tgit config --global --add safe.directory ${projectRoot}\n`;
    const writing = { whenWriting: true };
    for (const dir of ["keys", "certs"]) {
      // Reading settings (a synth in a CI container that runs as another user) writes no key: not refused there.
      expect(withGit(dubious, 128, () => certsDirProblem(dir))).toBeUndefined();
      expect(withGit(dubious, 128, () => certsDirProblem(dir, projectRoot, writing))).toBe(
        `git could not say whether it would commit the private keys in ${dir} ("fatal: detected dubious ownership in repository at '${projectRoot}'"): ` +
          `run this as the owner of ${projectRoot}, or trust it with \`git config --global --add safe.directory ${projectRoot}\``,
      );
    }
    expect(withGit("fatal: bad config line 1 in file .git/config\n", 128, () => certsDirProblem("keys", projectRoot, writing))).toBe(
      'git could not say whether it would commit the private keys in keys ("fatal: bad config line 1 in file .git/config"): fix what git reports and run this again',
    );
    // What "no repository" looks like, from git itself: nothing here will be committed.
    expect(withGit("fatal: not a git repository (or any of the parent directories): .git\n", 128, () => certsDirProblem("keys", projectRoot, writing))).toBeUndefined();
  });

  test("git's answer is read in English whatever the user's locale: a German 'not a repository' is still no repository", () => {
    // A git that speaks German unless told LC_ALL=C, as a translated git does.
    const bin = mkdtempSync(join(work, "git-de-"));
    writeFileSync(
      join(bin, "git"),
      '#!/bin/sh\nif [ "$LC_ALL" = C ]; then echo "fatal: not a git repository (or any of the parent directories): .git" >&2; ' +
        'else echo "Schwerwiegend: Kein Git-Repository (oder irgendeines der Elternverzeichnisse): .git" >&2; fi\nexit 128\n',
    );
    chmodSync(join(bin, "git"), 0o755);
    const path = process.env.PATH;
    const language = process.env.LANGUAGE;
    process.env.PATH = bin;
    process.env.LANGUAGE = "de";
    try {
      expect(certsDirProblem("keys-de", projectRoot, { whenWriting: true })).toBeUndefined();
    } finally {
      process.env.PATH = path;
      if (language === undefined) delete process.env.LANGUAGE;
      else process.env.LANGUAGE = language;
    }
  });

  test("a path the settings cannot take is refused for what is actually wrong with it", () => {
    const shell = "(the path goes into the readiness gate's shell command and into Terraform expressions)";
    expect(problems({ dockerHost: { certsDir: "certs/x y" } })).toEqual([
      `infra.json: dockerHost.certsDir = "certs/x y": expected only letters, digits, ".", "_", "-" and "/" ${shell}, got " " (a space)`,
    ]);
    expect(problems({ dockerHost: { certsDir: "certs/$HOME" } })).toEqual([
      `infra.json: dockerHost.certsDir = "certs/$HOME": expected only letters, digits, ".", "_", "-" and "/" ${shell}, got "$"`,
    ]);
    expect(problems({ dockerHost: { certsDir: "/etc/certs" } })).toEqual([
      'infra.json: dockerHost.certsDir = "/etc/certs": expected a directory relative to the project, not an absolute path',
    ]);
    expect(problems({ dockerHost: { certsDir: "../certs" } })).toEqual([
      'infra.json: dockerHost.certsDir = "../certs": expected a path without ".." (the directory must be inside the project)',
    ]);
  });

  test("refused in the settings; the environments' default certs/<environment> passes", () => {
    expect(problems({ dockerHost: { certsDir: "." } })).toEqual([`infra.json: dockerHost.certsDir = ".": ${PROJECT}`]);
    expect(problems({ dockerHost: { certsDir: "stacks" } })).toEqual([`infra.json: dockerHost.certsDir = "stacks": ${TRACKED}`]);
    const settings = resolveSettings({ environment: "prod" }, "infra.json");
    expect(settings.dockerHost.certsDir).toBe("certs/prod");
    expect(certsDirProblem(settings.dockerHost.certsDir)).toBeUndefined();
  });
});
