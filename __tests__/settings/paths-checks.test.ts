// Directories other tools delete (cdktf.out, node_modules) or publish (whatever git does not ignore) may not hold
// the state or the certificates: refused at synth with the field, the value and the rule (through the real entry
// point: paths-checks.cli.test.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { settingsProblems } from "../helpers";
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

  test("refused in the settings; the environments' default certs/<environment> passes", () => {
    expect(problems({ dockerHost: { certsDir: "." } })).toEqual([`infra.json: dockerHost.certsDir = ".": ${PROJECT}`]);
    expect(problems({ dockerHost: { certsDir: "stacks" } })).toEqual([`infra.json: dockerHost.certsDir = "stacks": ${TRACKED}`]);
    const settings = resolveSettings({ environment: "prod" }, "infra.json");
    expect(settings.dockerHost.certsDir).toBe("certs/prod");
    expect(certsDirProblem(settings.dockerHost.certsDir)).toBeUndefined();
  });
});
