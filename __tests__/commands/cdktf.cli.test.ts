// The cdktf wrapper through its entry point (node dist/commands/cdktf.js, as `npm run diff|deploy|destroy|output`
// runs it), at the edges of its command line: what it refuses before cdktf starts, and the arguments cdktf gets when
// it does start. cdktf itself is stopped where it starts: a module preloaded through NODE_OPTIONS records the
// arguments of the cdktf CLI's process and ends it, so nothing is synthesized, initialized or planned.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { findMirrors } from "../../commands/provider-mirror";
import { CERT_FILES, dockerHostCertificateNames } from "../../constructs/docker-tls";
import { LEAF_DAYS, ensureCertificates } from "../../commands/certs";
import { loadSettings } from "../../settings/load";
import { projectRoot } from "../../settings/paths";
import { boundByModes, withMode } from "../file-permissions";
import { KeyUsageFlags, permittedDns, reissue, remakeCa, unknownCritical } from "../tls-refused";

// Inside the project, as every output directory deploy uses must be (git ignores cdktf.out.*/).
const work = mkdtempSync(join(projectRoot, "cdktf.out.cli-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const stub = join(work, "stop-cdktf.js");
writeFileSync(
  stub,
  // Only the cdktf CLI's own process (node_modules/.bin/cdktf), not the wrapper (dist/commands/cdktf.js).
  `if (/[\\\\/]cdktf$/.test(process.argv[1] || "")) {
  require("node:fs").writeFileSync(process.env.STOPPED_CDKTF_ARGS, JSON.stringify(process.argv.slice(2)));
  // As cdktf writes the outputs it was asked for.
  const outputs = process.argv.find((a) => a.startsWith("--outputs-file="));
  if (outputs && process.env.STUB_OUTPUTS) require("node:fs").writeFileSync(outputs.slice("--outputs-file=".length), process.env.STUB_OUTPUTS);
  process.exit(0);
}
`,
);
// Certificate files where destroy looks for them (it checks only that Terraform will find each file it reads), in
// settings every run uses unless it names its own.
const certsDir = relative(projectRoot, join(work, "certs"));
mkdirSync(join(work, "certs"));
for (const file of ["ca.pem", "server.pem", "server-key.pem", "cert.pem", "key.pem"]) writeFileSync(join(work, "certs", file), "placeholder\n");
const withCerts = join(work, "with-certs.json");
writeFileSync(withCerts, JSON.stringify({ dockerHost: { certsDir } }));
// A Terraform CLI configuration of the user's own: the wrapper neither looks up the registry nor adds the mirror.
const ownCliConfig = join(work, "terraformrc");
writeFileSync(ownCliConfig, "");

let runs = 0;

/**
 * Runs the wrapper as npm would, typed in `work`; `cdktf` is what the cdktf CLI was started with, if it was. `bound`:
 * bound by file modes, as a user other than root is.
 */
function wrapper(args: string[], env: NodeJS.ProcessEnv = {}, bound = false) {
  const argsFile = join(work, `cdktf-args-${++runs}.json`);
  const argv = [join(projectRoot, "dist", "commands", "cdktf.js"), ...args];
  const [command, commandArgs] = bound ? boundByModes(process.execPath, argv) : [process.execPath, argv];
  const result = spawnSync(command, commandArgs, {
    cwd: projectRoot,
    env: {
      ...process.env,
      INFRA_CONFIG: withCerts,
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

describe("which stacks", () => {
  // diff and deploy check the certificates in the project's certs/ next; this one is never made.
  const noCerts = join(work, "no-certs.json");
  beforeAll(() => writeFileSync(noCerts, JSON.stringify({ dockerHost: { certsDir: "certs/never-made-by-a-test" } })));
  const out = () => `--output=${join(work, "out")}`;

  test.each([
    [["deploy"], /^npm run deploy: name the stacks to deploy: aws, docker, or '\*' for both/],
    [["destroy"], /^npm run destroy: name the stacks to destroy: aws, docker, or '\*' for both/],
    [["output"], /^npm run output: name the stacks to print the outputs of: aws, docker, or '\*' for both/],
    [["diff"], /^npm run diff: name the stack to plan: aws or docker \(cdktf diff plans one stack at a time\)/],
    [["diff", "aws", "docker"], /^npm run diff: cdktf diff plans one stack at a time, got aws, docker: run it once for each/],
    [["diff", "*"], /^npm run diff: unknown stack "\*"; expected aws or docker \(diff takes one stack by name, not a pattern\)/],
    [["output", "a*z"], /^npm run output: unknown stack "a\*z"; expected aws or docker, or a pattern matching them \('\*' for both\)/],
    [["deploy", "docker"], /^npm run deploy: docker reads the outputs of aws: deploy them together \(npm run deploy -- aws docker\), or add --ignore-missing-stack-dependencies when aws is deployed and unchanged/],
    [["destroy", "aws"], /^npm run destroy: docker reads the outputs of aws: destroy them together \(npm run destroy -- aws docker\), or add --ignore-missing-stack-dependencies to leave docker reading a destroyed stack/],
  ])("%j is refused in one line with exit 2, before cdktf starts", (args, pattern) => {
    const result = wrapper([...args, out()], { INFRA_CONFIG: noCerts });
    expect(result.status).toBe(2);
    expectOneLine(result.stderr, pattern);
    expect(result.cdktf).toBeUndefined();
  });

  test.each([
    [["destroy", "*"], ["aws", "docker"]],
    [["destroy", "docker", "*"], ["docker", "aws"]],
    [["destroy", "aws", "aws", "docker"], ["aws", "docker"]],
    [["destroy", "{docker,aws}"], ["aws", "docker"]],
    [["output", "d*"], ["docker"]],
    [["output", "aws", "aws"], ["aws"]],
    [["destroy", "docker"], ["docker"]],
    [["destroy", "aws", "--ignore-missing-stack-dependencies"], ["aws"]],
  ])("%j reaches cdktf with the stacks %j, each once", (args, stacks) => {
    const result = wrapper([...args, out()]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.cdktf).toEqual([args[0], ...stacks, ...args.slice(1).filter((a) => a.startsWith("--")), out()]);
  });

  test("--outputs-file gets what cdktf wrote once the command succeeds, and nothing when it then refuses", () => {
    const written = join(work, "outputs-ok.json");
    const ok = wrapper(["output", "aws", `--outputs-file=${written}`, out()], { STUB_OUTPUTS: '{"aws":{"vpc_id":"vpc-1"}}' });
    // cdktf's own line names the scratch copy it wrote: the wrapper says where the outputs are.
    expect(ok).toMatchObject({ status: 0, stderr: `npm run output: wrote the outputs to ${written} (cdktf names a scratch copy above)\n` });
    expect(readFileSync(written, "utf8")).toBe('{"aws":{"vpc_id":"vpc-1"}}');
    // cdktf wrote it elsewhere first.
    expect(ok.cdktf!.find((a) => a.startsWith("--outputs-file="))).not.toBe(`--outputs-file=${written}`);
    const dir = join(work, "undeployed-outputs");
    mkdirSync(join(dir, "stacks", "docker"), { recursive: true });
    const refused = wrapper(["output", "docker", `--output=${dir}`, `--outputs-file=${join(work, "outputs-refused.json")}`], { STUB_OUTPUTS: '{"docker":{}}' });
    expect(refused.status).toBe(1);
    expectOneLine(refused.stderr, /^npm run output: no outputs for docker: not deployed yet .*; \S+outputs-refused\.json was not written \(the file cdktf names above was a scratch copy, now removed\)\n$/);
    expect(existsSync(join(work, "outputs-refused.json"))).toBe(false);
  });

  test("output of an undeployed docker stack suggests a deploy the wrapper takes: docker with aws", () => {
    // Terraform answers {} in a stack directory with no state, as after a cdktf output before any deploy.
    const dir = join(work, "undeployed");
    mkdirSync(join(dir, "stacks", "docker"), { recursive: true });
    const result = wrapper(["output", "docker", `--output=${dir}`]);
    expect(result.cdktf).toEqual(["output", "docker", `--output=${dir}`]);
    expect(result.status).toBe(1);
    expectOneLine(result.stderr, /^npm run output: no outputs for docker: not deployed yet \(npm run deploy -- aws docker\)/);
  });

  test.each([
    [["deploy", "docker", "--ignore-missing-stack-dependencies"]],
    [["deploy", "*"]],
    [["diff", "docker"]],
  ])("%j passes the stack check and stops at the certificates", (args) => {
    const result = wrapper([...args, out()], { INFRA_CONFIG: noCerts });
    expect(result.status).toBe(1);
    expectOneLine(result.stderr, /the Docker API's certificates will not do/);
    expect(result.cdktf).toBeUndefined();
  });
});

describe("the certificates, which diff and deploy check before cdktf starts", () => {
  const out = () => `--output=${join(work, "out")}`;
  const dir = join(work, "aging-certs");
  const settingsFile = join(work, "aging-certs.json");
  beforeAll(async () => {
    const settings = loadSettings({ INFRA_CONFIG: "" });
    const serverNames = dockerHostCertificateNames(settings.region, settings.dockerHost.dns?.name);
    // Made as many days ago that the server's and the client's certificates serve for 20 days more.
    await ensureCertificates({ dir, serverNames, now: new Date(Date.now() - (LEAF_DAYS - 20) * 86_400_000) });
    writeFileSync(settingsFile, JSON.stringify({ dockerHost: { certsDir: relative(projectRoot, dir) } }));
  });

  test.each([[["diff", "aws"]], [["deploy", "aws", "docker"]]])("%j with certificates that expire within 30 days goes on, with a warning that names the renewal", (args) => {
    const result = wrapper([...args, out()], { INFRA_CONFIG: settingsFile });
    expect(result.status).toBe(0);
    expect(result.cdktf?.slice(0, args.length)).toEqual(args);
    expectOneLine(
      result.stderr,
      new RegExp(`^npm run ${args[0]}: warning: the Docker API's certificates need renewing: .*aging-certs/server\\.pem expires on .+: run \`npm run certs -- --rotate\` before then\\n$`),
    );
  });

  test.each([
    ["a server certificate with a critical extension TLS does not handle", (dir: string) => reissue(dir, "server", { extra: [unknownCritical()] }), "TLS refuses \\S+/server\\.pem as the Docker client and the readiness gate check it against \\S+/ca\\.pem: unhandled critical extension \\(OpenSSL: UNSPECIFIED\\)"],
    ["a server certificate with a key usage for signing certificates only", (dir: string) => reissue(dir, "server", { keyUsage: KeyUsageFlags.keyCertSign }), "TLS refuses \\S+/server\\.pem as the Docker client and the readiness gate check it against \\S+/ca\\.pem: unsuitable certificate purpose: its key usage or extended key usage is not for a TLS server \\(OpenSSL: INVALID_PURPOSE\\)"],
    ["a client certificate with a critical extension TLS does not handle", (dir: string) => reissue(dir, "client", { extra: [unknownCritical()] }), "TLS refuses \\S+/cert\\.pem as dockerd checks it against \\S+/ca\\.pem: an error Node does not name, .*\\(OpenSSL: UNSPECIFIED\\)"],
    ["a CA whose name constraints leave out the host's names", (dir: string) => remakeCa(dir, [permittedDns("example.com")]), "TLS refuses \\S+/server\\.pem .*: permitted subtree violation \\(OpenSSL: UNSPECIFIED\\)"],
  ])("%s, which TLS refuses although the files fit together: diff and deploy stop before cdktf, naming npm run certs", async (_, spoil, reason) => {
    const refusedDir = mkdtempSync(join(work, "refused-"));
    const settings = loadSettings({ INFRA_CONFIG: "" });
    await ensureCertificates({ dir: refusedDir, serverNames: dockerHostCertificateNames(settings.region, settings.dockerHost.dns?.name) });
    await spoil(refusedDir);
    const refusedSettings = join(refusedDir, "settings.json");
    writeFileSync(refusedSettings, JSON.stringify({ dockerHost: { certsDir: relative(projectRoot, refusedDir) } }));
    for (const args of [["diff", "aws"], ["deploy", "aws", "docker"]]) {
      const result = wrapper([...args, out()], { INFRA_CONFIG: refusedSettings });
      expect(result.status).toBe(1);
      expectOneLine(result.stderr, new RegExp(`^npm run ${args[0]}: the Docker API's certificates will not do \\(dockerHost\\.certsDir\\): ${reason}: run \`npm run certs\`, which says whether new certificates or a new CA will do\n$`));
      expect(result.cdktf).toBeUndefined();
    }
  });

  test("certificates this user may not read or look for: one line that says so, exit 1, before cdktf starts", () => {
    const refused = (args: string[], pattern: RegExp) => {
      const result = wrapper([...args, out()], { INFRA_CONFIG: settingsFile }, true);
      expect(result.status).toBe(1);
      expectOneLine(result.stderr, pattern);
      expect(result.stderr).not.toMatch(/npm run certs/);
      expect(result.cdktf).toBeUndefined();
    };
    withMode(join(dir, CERT_FILES.serverKey), 0o000, 0o600, () =>
      refused(["diff", "aws"], /aging-certs\/server-key\.pem cannot be read \(permission denied, EACCES\): run the command as the user the certificates belong to/),
    );
    withMode(dir, 0o000, 0o700, () => {
      refused(["deploy", "aws", "docker"], /aging-certs cannot be searched for ca\.pem \(permission denied, EACCES\): run the command as the user the certificates belong to/);
      refused(["destroy", "*"], /aging-certs cannot be searched for ca\.pem \(permission denied, EACCES\), and Terraform reads them to plan the destroy: run the command as the user/);
    });
  });
});

describe("option values", () => {
  const out = () => `--output=${join(work, "out")}`;

  test.each([
    [["deploy", "aws", "docker", "--var-file="], /^npm run deploy: --var-file needs a value, got an empty one/],
    [["deploy", "--var-file="], /^npm run deploy: --var-file needs a value, got an empty one/],
    [["diff", "aws", "--var="], /^npm run diff: --var needs a value, got an empty one/],
    [["destroy", "*", "--var=a=1", "--var="], /^npm run destroy: --var needs a value, got an empty one/],
    [["destroy", "*", "--var=region"], /^npm run destroy: --var=region: expected NAME=VALUE, as Terraform's -var takes it/],
    [["destroy", "*", "--var==1"], /^npm run destroy: --var==1: expected NAME=VALUE/],
    [["destroy", "*", "--var-file=missing.tfvars"], /^npm run destroy: --var-file=missing\.tfvars: .*cdktf\.out\.cli-test-\w+\/missing\.tfvars does not exist/],
    [["destroy", "*", "--var-file=."], /^npm run destroy: --var-file=\.: .*cdktf\.out\.cli-test-\w+ is a directory, not a regular file/],
    [["destroy", "*", "--var-file=/dev/null"], /^npm run destroy: --var-file=\/dev\/null: \/dev\/null is a character device, not a regular file/],
    // cdktf would write over a tracked file, and fail with a trace on a directory or a missing one.
    [["output", "aws", "--outputs-file=../README.md"], /^npm run output: --outputs-file=\.\.\/README\.md: .*README\.md holds something other than the outputs of these stacks .*, which npm run output would replace/],
    [["output", "aws", "--outputs-file=."], /^npm run output: --outputs-file=\.: .* is a directory, not a regular file/],
    [["deploy", "aws", "--outputs-file=nowhere/outputs.json"], /^npm run deploy: --outputs-file=nowhere\/outputs\.json: no directory .*nowhere to write it in; create it first/],
    [["output", "aws", "--outputs-file=/dev/null"], /^npm run output: --outputs-file=\/dev\/null: \/dev\/null is a character device, not a regular file/],
    // A line break typed in a value is shown, not obeyed: the message stays one line.
    [["diff", "aws", "--log-level=a\nb"], /^npm run diff: --log-level=a\\u000Ab: expected one of/],
  ])("%j is refused in one line with exit 2, before cdktf starts", (args, pattern) => {
    const result = wrapper([...args, out()]);
    expect(result.status).toBe(2);
    expectOneLine(result.stderr, pattern);
    expect(result.cdktf).toBeUndefined();
  });

  test("--parallelism=-1 (cdktf's own default: no limit) reaches cdktf; -2 is refused", () => {
    const unlimited = wrapper(["destroy", "*", "--parallelism=-1", out()]);
    expect(unlimited.stderr).toBe("");
    expect(unlimited.cdktf).toEqual(["destroy", "aws", "docker", "--parallelism=-1", out()]);
    const below = wrapper(["destroy", "*", "--parallelism=-2", out()]);
    expect(below.status).toBe(2);
    expectOneLine(below.stderr, /^npm run destroy: --parallelism=-2: expected a whole number from -1 to 1024/);
    expect(below.cdktf).toBeUndefined();
  });

  test("options npm took as its own (`npm run destroy --auto-approve -- '*'`) reach cdktf as if typed after `--`, said once each", () => {
    const result = wrapper(["destroy", "*", out()], { npm_lifecycle_event: "destroy", npm_config_auto_approve: "true", npm_config_parallelism: "3" });
    expect(result.stderr).toBe(
      "(npm took --auto-approve as its own option; read as `npm run destroy -- --auto-approve`)\n(npm took --parallelism as its own option; read as `npm run destroy -- --parallelism=3`)\n",
    );
    expect(result.cdktf).toEqual(["destroy", "aws", "docker", out(), "--auto-approve", "--parallelism=3"]);
  });

  test("--var and --var-file reach cdktf, each as often as given, the file read from where the command was typed", () => {
    writeFileSync(join(work, "values.tfvars"), "");
    const result = wrapper(["destroy", "*", "--var=a=1", "--var=b=x=y", "--var-file=values.tfvars", out()]);
    expect(result.stderr).toBe("");
    expect(result.cdktf).toEqual(["destroy", "aws", "docker", "--var=a=1", "--var=b=x=y", `--var-file=${join(work, "values.tfvars")}`, out()]);
  });
});

describe("the output directory", () => {
  beforeAll(() => {
    writeFileSync(join(work, "a-file"), "");
    mkdirSync(join(work, "stacks-file"));
    writeFileSync(join(work, "stacks-file", "stacks"), "");
    symlinkSync(projectRoot, join(work, "project-link"));
  });

  test.each([
    [["--output", "a-file"], /^npm run output: --output=a-file: names a file, not a directory; expected a directory this user can write/],
    [["--output=a-file/out"], /^npm run output: --output=a-file\/out: its parent .*cdktf\.out\.cli-test-\w+\/a-file is a file/],
    [["-o", "no/such"], /^npm run output: --output=no\/such: its parent .*cdktf\.out\.cli-test-\w+\/no does not exist/],
    [["--output=stacks-file"], /^npm run output: --output=stacks-file: holds a file named stacks, where cdktf writes a directory for each stack/],
    [["--output=/proc"], /^npm run output: --output=\/proc: holds files no synthesis wrote/],
    // Through a link, as the system follows it: the sources would gain manifest.json and stacks/.
    [["--output=project-link"], /^npm run output: --output=project-link: is the project directory, which holds the sources \(through a link: /],
  ])("%j is refused in one line with exit 2, before cdktf starts", (args, pattern) => {
    const result = wrapper(["output", "aws", ...args]);
    expect(result.status).toBe(2);
    expectOneLine(result.stderr, pattern);
    expect(result.cdktf).toBeUndefined();
  });

  test("a CDKTF_OUTDIR that --output overrides is not read, so not refused", () => {
    const result = wrapper(["output", "aws", `--output=${join(work, "out")}`], { CDKTF_OUTDIR: join(work, "a-file") });
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.cdktf).toEqual(["output", "aws", `--output=${join(work, "out")}`]);
  });

  test.each([
    ["--output", (dir: string) => ({ args: [`--output=${dir}`], env: {} })],
    ["CDKTF_OUTDIR", (dir: string) => ({ args: [], env: { CDKTF_OUTDIR: dir } })],
  ])("an output directory outside the project (%s) has its certificates checked where its stacks read them, beside it", (_, given) => {
    // Laid out like the project: the stacks in elsewhere/out read elsewhere/<certsDir>, not the project's.
    const elsewhere = mkdtempSync(join(tmpdir(), "cdktf-elsewhere-"));
    const { args, env } = given(join(elsewhere, "out"));
    const refused = wrapper(["destroy", "*", ...args], env);
    expect(refused.status).toBe(1);
    expectOneLine(refused.stderr, new RegExp(`^npm run destroy: ${elsewhere}/${certsDir} lacks ca\\.pem, .*, which Terraform reads to plan the destroy \\(the stacks in ${elsewhere}/out, outside the project, read it three levels above their own directories\\): put back`));
    expect(refused.cdktf).toBeUndefined();
    cpSync(join(work, "certs"), join(elsewhere, certsDir), { recursive: true });
    const result = wrapper(["destroy", "*", ...args], env);
    expect(result.stderr).toBe("");
    expect(result.cdktf).toEqual(["destroy", "aws", "docker", `--output=${join(elsewhere, "out")}`]);
  });

  test("deploy of the aws stack from an output directory outside the project stops before cdktf when its readiness gate's script is not where the stack runs it", () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "cdktf-elsewhere-"));
    cpSync(join(work, "certs"), join(elsewhere, certsDir), { recursive: true });
    const out = `--output=${join(elsewhere, "out")}`;
    const refused = wrapper(["deploy", "aws", "docker", out]);
    expect(refused.status).toBe(1);
    expectOneLine(
      refused.stderr,
      new RegExp(`^npm run deploy: the stacks in ${elsewhere}/out, outside the project, run the aws stack's readiness gate as ${elsewhere}/dist/deploy/wait-for-docker\\.js \\(three levels above their own directories, where they read the certificates\\), which is not there: Terraform would create every resource and then fail to start it; deploy from an output directory inside the project`),
    );
    expect(refused.cdktf).toBeUndefined();
    // A plan runs no gate; the docker stack has none.
    expect(wrapper(["diff", "aws", out]).stderr).not.toMatch(/readiness gate/);
    expect(wrapper(["deploy", "docker", "--ignore-missing-stack-dependencies", out]).stderr).not.toMatch(/readiness gate/);
    // Where the script is, the deploy goes on to the next check (the certificates, placeholders here).
    cpSync(join(projectRoot, "dist", "deploy", "wait-for-docker.js"), join(elsewhere, "dist", "deploy", "wait-for-docker.js"));
    const next = wrapper(["deploy", "aws", "docker", out]);
    expect(next.stderr).not.toMatch(/readiness gate/);
    expect(next.stderr).toMatch(/certificates will not do/);
    rmSync(elsewhere, { recursive: true, force: true });
  });

  test("destroy stops before cdktf when a certificate file Terraform reads to plan it is missing, naming each", () => {
    const settings = join(work, "missing-certs.json");
    writeFileSync(settings, JSON.stringify({ dockerHost: { certsDir: "certs/never-made-by-a-test" } }));
    const result = wrapper(["destroy", "*", `--output=${join(work, "out")}`], { INFRA_CONFIG: settings });
    expect(result.status).toBe(1);
    expectOneLine(result.stderr, /^npm run destroy: certs\/never-made-by-a-test lacks ca\.pem, server\.pem, server-key\.pem, cert\.pem, key\.pem, which Terraform reads to plan the destroy: put back the files it was deployed with\n$/);
    expect(result.cdktf).toBeUndefined();
  });

  test("destroy checks only the certificate files of the stacks it destroys: the docker stack reads the client's, not the host's", () => {
    const dir = join(work, "client-only");
    mkdirSync(dir);
    for (const file of ["ca.pem", "cert.pem", "key.pem"]) writeFileSync(join(dir, file), "placeholder\n");
    const settings = join(work, "client-only.json");
    writeFileSync(settings, JSON.stringify({ dockerHost: { certsDir: relative(projectRoot, dir) } }));
    const docker = wrapper(["destroy", "docker", `--output=${join(work, "out")}`], { INFRA_CONFIG: settings });
    expect(docker.stderr).toBe("");
    expect(docker.cdktf).toEqual(["destroy", "docker", `--output=${join(work, "out")}`]);
    const both = wrapper(["destroy", "*", `--output=${join(work, "out")}`], { INFRA_CONFIG: settings });
    expect(both.status).toBe(1);
    expectOneLine(both.stderr, /lacks server\.pem, server-key\.pem, which Terraform reads to plan the destroy/);
  });

  test.each([
    ["named", (shared: string) => join(shared, "out")],
    // Terraform runs in the link's target, and its ../../.. is the target's: the link's own place does not count.
    ["reached through a link in the project", (shared: string) => (mkdirSync(join(shared, "out")), symlinkSync(join(shared, "out"), join(work, "shared-link")), join(work, "shared-link"))],
  ])("an output directory outside the project (%s), in a directory other users can write, is refused: its stacks would read a CA planted there", (_, outdir) => {
    const shared = mkdtempSync(join(tmpdir(), "cdktf-shared-"));
    chmodSync(shared, 0o1777);
    cpSync(join(work, "certs"), join(shared, certsDir), { recursive: true });
    const out = outdir(shared);
    const result = wrapper(["destroy", "*", `--output=${out}`]);
    expect(result.status).toBe(1);
    expectOneLine(
      result.stderr,
      new RegExp(`^npm run destroy: the stacks in \\S+, outside the project, read the certificates and keep the local state in ${shared} \\(three levels above their own directories\\), which is writable by other users \\(mode 1777\\): another user could plant a CA the Docker host would trust there; `),
    );
    expect(result.cdktf).toBeUndefined();
  });

  test("the certificates' directory, even empty, is refused as the output directory: exit 2, one line", () => {
    mkdirSync(join(work, "empty-certs"));
    const settings = join(work, "empty-certs.json");
    writeFileSync(settings, JSON.stringify({ dockerHost: { certsDir: relative(projectRoot, join(work, "empty-certs")) } }));
    const result = wrapper(["output", "aws", "--output=empty-certs"], { INFRA_CONFIG: settings });
    expect(result.status).toBe(2);
    expectOneLine(result.stderr, /^npm run output: --output=empty-certs: is the certificates' directory \(dockerHost\.certsDir = cdktf\.out\.cli-test-\w+\/empty-certs\), which holds the private keys; give another/);
    expect(result.cdktf).toBeUndefined();
    // A link to it is it.
    symlinkSync(join(work, "empty-certs"), join(work, "certs-link"));
    const linked = wrapper(["output", "aws", "--output=certs-link"], { INFRA_CONFIG: settings });
    expect(linked.status).toBe(2);
    expectOneLine(linked.stderr, /^npm run output: --output=certs-link: is the certificates' directory/);
  });

  test("CDKTF_OUTDIR, which cdktf itself ignores, is read from where the command was typed and handed to cdktf as --output", () => {
    const result = wrapper(["destroy", "*"], { CDKTF_OUTDIR: "from-env" });
    expect(result.stderr).toBe("");
    expect(result.cdktf).toEqual(["destroy", "aws", "docker", `--output=${join(work, "from-env")}`]);
  });

  test("a directory in stacks/ that no synthesis wrote, which cdktf's synth would remove, is refused before cdktf starts", () => {
    const dir = join(work, "with-notes");
    mkdirSync(join(dir, "stacks", "notes"), { recursive: true });
    writeFileSync(join(dir, "stacks", "notes", "todo.txt"), "mine");
    mkdirSync(join(dir, "stacks", "old-stack"));
    writeFileSync(join(dir, "stacks", "old-stack", "cdk.tf.json"), "{}");
    const result = wrapper(["destroy", "*", `--output=${dir}`]);
    expect(result.status).toBe(1);
    expectOneLine(result.stderr, /^npm run destroy: .*with-notes\/stacks\/notes is in the output directory's stacks\/ but no synthesis wrote it, and cdktf's synth would remove it/);
    expect(result.cdktf).toBeUndefined();
    expect(existsSync(join(dir, "stacks", "notes", "todo.txt"))).toBe(true);
    // With --skip-synth there is no synth to remove it.
    expect(wrapper(["destroy", "*", `--output=${dir}`, "--skip-synth"]).cdktf).toBeDefined();
  });

  test("a bad --output is named before missing stacks", () => {
    const result = wrapper(["output", "--output=a-file"]);
    expect(result.status).toBe(2);
    expectOneLine(result.stderr, /^npm run output: --output=a-file: names a file, not a directory/);
  });

  test("the default cdktf.out holding a file named stacks is named in one line, exit 1", () => {
    // The wrapper as built, with what it reads at run time, in a directory laid out like the project: its cdktf.out
    // is one this test may break.
    const copy = join(work, "project");
    for (const path of ["cdktf.json", "dist/commands/cdktf.js", "dist/commands/cdktf.bundle.js", "deploy/load-bundle.js", "deploy/build-state.js", "task-definitions", "schemas"]) {
      cpSync(join(projectRoot, path), join(copy, path), { recursive: true });
    }
    mkdirSync(join(copy, "cdktf.out"));
    writeFileSync(join(copy, "cdktf.out", "stacks"), "");
    const result = spawnSync(process.execPath, [join(copy, "dist", "commands", "cdktf.js"), "output", "aws"], {
      cwd: copy,
      env: { ...process.env, INFRA_CONFIG: "", CDKTF_OUTDIR: "", INIT_CWD: copy, NODE_OPTIONS: `--require ${stub}`, STOPPED_CDKTF_ARGS: join(work, "never.json") },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expectOneLine(result.stderr, /^npm run output: the output directory .*project\/cdktf\.out holds a file named stacks, where cdktf writes a directory for each stack/);
    expect(existsSync(join(work, "never.json"))).toBe(false);
  });

  test("CDKTF_OUTDIR holding a file named stacks is a bad environment, named before anything reads it", () => {
    const result = wrapper(["output", "aws"], { CDKTF_OUTDIR: join(work, "stacks-file") });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^npm run output: invalid environment:\nenvironment variable CDKTF_OUTDIR = .*stacks-file.*: holds a file named stacks/);
    expect(result.stderr).not.toMatch(/ENOTDIR|\n\s+at /);
    expect(result.cdktf).toBeUndefined();
  });
});

describe("a stack directory initialized for another state", () => {
  const staging = join(work, "staging.json");
  const bucket = (keyPrefix: string) => join(work, `bucket-${keyPrefix}.json`);
  beforeAll(() => {
    writeFileSync(staging, JSON.stringify({ environment: "staging", dockerHost: { certsDir } }));
    for (const prefix of ["soa", "other"]) writeFileSync(bucket(prefix), JSON.stringify({ state: { bucket: "my-state", keyPrefix: prefix }, dockerHost: { certsDir } }));
  });

  /** An output directory whose aws stack Terraform initialized for `backend` (as .terraform/terraform.tfstate records it). */
  function initialized(name: string, backend: { type: string; config: Record<string, unknown> } | ((dir: string) => { type: string; config: Record<string, unknown> })): string {
    const dir = join(work, name);
    if (typeof backend === "function") backend = backend(dir);
    mkdirSync(join(dir, "stacks", "aws", ".terraform"), { recursive: true });
    const record = { version: 3, terraform_version: "1.11.4", backend: { ...backend, hash: 1648344604 } };
    writeFileSync(join(dir, "stacks", "aws", ".terraform", "terraform.tfstate"), JSON.stringify(record, null, 2));
    return dir;
  }
  // What Terraform recorded after `npm run output -- aws` with the defaults, in an output directory of the project.
  const defaults = (dir: string) => ({ type: "local", config: { path: fromStack(dir, "terraform-state/aws.tfstate"), workspace_dir: null } });
  /** A path of the project as the stacks in `dir` name it, from their own directory. */
  const fromStack = (dir: string, path: string) => relative(join(dir, "stacks", "aws"), join(projectRoot, path));
  const s3 = { type: "s3", config: { bucket: "my-state", key: "soa/aws.tfstate", region: "us-west-1", encrypt: true, use_lockfile: true, profile: null, dynamodb_table: null } };

  test("another environment's settings are refused in one line, exit 1, naming both states and the safe fixes; nothing is written", () => {
    const dir = initialized("local-defaults", defaults);
    const record = readFileSync(join(dir, "stacks", "aws", ".terraform", "terraform.tfstate"), "utf8");
    const result = wrapper(["output", "aws", `--output=${dir}`], { INFRA_CONFIG: staging });
    expect(result.status).toBe(1);
    expectOneLine(
      result.stderr,
      new RegExp(
        "^npm run output: local-defaults/stacks/aws was initialized for the state at \\S*terraform-state/aws\\.tfstate, " +
          "but the settings now put it at \\S*terraform-state/staging/aws\\.tfstate: give each environment, and each region of one, its own output " +
          "directory \\(--output=cdktf\\.out\\.staging\\), or, if this stack's state really moved there, synthesize for it " +
          "\\(npm run synth -- --output=local-defaults\\), then run terraform init -migrate-state in local-defaults/stacks/aws\\n$",
      ),
    );
    expect(result.cdktf).toBeUndefined();
    expect(readFileSync(join(dir, "stacks", "aws", ".terraform", "terraform.tfstate"), "utf8")).toBe(record);
  });

  test("the same environment in another region, in that environment's directory: a directory with the region is suggested, before any certificate check", () => {
    const dir = join(projectRoot, "cdktf.out.rgtest");
    const settings = (region: string) => {
      const file = join(work, `rgtest-${region}.json`);
      writeFileSync(file, JSON.stringify({ environment: "rgtest", region, state: { keyIncludesRegion: true }, dockerHost: { certsDir } }));
      return file;
    };
    try {
      mkdirSync(join(dir, "stacks", "aws", ".terraform"), { recursive: true });
      const backend = { type: "local", config: { path: fromStack(dir, "terraform-state/rgtest/us-east-1/aws.tfstate"), workspace_dir: null }, hash: 1 };
      writeFileSync(join(dir, "stacks", "aws", ".terraform", "terraform.tfstate"), JSON.stringify({ version: 3, terraform_version: "1.11.4", backend }));
      settings("us-east-1");
      // diff checks the certificates too (these are placeholders): the directory's state is named first.
      const result = wrapper(["diff", "aws", `--output=${dir}`], { INFRA_CONFIG: settings("us-west-1") });
      expect(result.status).toBe(1);
      expectOneLine(
        result.stderr,
        /but the settings now put it at \S*terraform-state\/rgtest\/us-west-1\/aws\.tfstate: give each environment, and each region of one, its own output directory \(--output=cdktf\.out\.rgtest-us-west-1\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the settings it was initialized for reach cdktf, and so does a stack never initialized", () => {
    const dir = initialized("local-same", defaults);
    expect(wrapper(["output", "aws", `--output=${dir}`]).cdktf).toEqual(["output", "aws", `--output=${dir}`]);
    expect(wrapper(["destroy", "*", `--output=${dir}`], { INFRA_CONFIG: staging }).stderr).toMatch(
      /^npm run destroy: local-same\/stacks\/aws was initialized .*, or, if this stack's state really moved there, add --migrate-state \(cdktf synthesizes, then runs terraform init -migrate-state\)\n$/,
    );
    expect(wrapper(["destroy", "docker", `--output=${dir}`], { INFRA_CONFIG: staging }).cdktf).toEqual(["destroy", "docker", `--output=${dir}`]);
  });

  test("S3 states are told apart by bucket, key and region; the attributes Terraform records unset do not count", () => {
    const dir = initialized("s3", s3);
    expect(wrapper(["output", "aws", `--output=${dir}`], { INFRA_CONFIG: bucket("soa") }).cdktf).toBeDefined();
    const moved = wrapper(["output", "aws", `--output=${dir}`], { INFRA_CONFIG: bucket("other") });
    expect(moved.status).toBe(1);
    expectOneLine(moved.stderr, /initialized for the state at s3:\/\/my-state\/soa\/aws\.tfstate \(us-west-1\), but the settings now put it at s3:\/\/my-state\/other\/aws\.tfstate \(us-west-1\)/);
    const local = wrapper(["output", "aws", `--output=${dir}`]);
    expectOneLine(local.stderr, /initialized for the state at s3:\/\/my-state\/soa\/aws\.tfstate \(us-west-1\), but the settings now put it at \S*terraform-state\/aws\.tfstate:/);
  });

  test("--migrate-state is the user's approval: cdktf starts and runs terraform init -migrate-state", () => {
    const dir = initialized("migrate", defaults);
    const result = wrapper(["destroy", "*", "--migrate-state", `--output=${dir}`], { INFRA_CONFIG: staging });
    expect(result.stderr).toBe("");
    expect(result.cdktf).toEqual(["destroy", "aws", "docker", "--migrate-state", `--output=${dir}`]);
  });

  test("with --skip-synth, the backend compared is the synthesized one, not the settings'", () => {
    const dir = initialized("skip-synth", defaults);
    const synthesized = (path: string) =>
      writeFileSync(join(dir, "stacks", "aws", "cdk.tf.json"), JSON.stringify({ terraform: { backend: { local: { path } } } }));
    synthesized(fromStack(dir, "terraform-state/aws.tfstate"));
    expect(wrapper(["output", "aws", "--skip-synth", `--output=${dir}`], { INFRA_CONFIG: staging }).cdktf).toBeDefined();
    synthesized(fromStack(dir, "terraform-state/staging/aws.tfstate"));
    const result = wrapper(["output", "aws", "--skip-synth", `--output=${dir}`]);
    expect(result.status).toBe(1);
    expectOneLine(
      result.stderr,
      /initialized for the state at \S*terraform-state\/aws\.tfstate, but its synthesized configuration now puts it at \S*terraform-state\/staging\/aws\.tfstate: .*, run terraform init -migrate-state in skip-synth\/stacks\/aws\n$/,
    );
  });
});

describe("the provider mirror (no Terraform CLI configuration of the user's own, the registry out of reach)", () => {
  test("TF_PROVIDER_MIRROR naming a directory without providers is one line, exit 1, before cdktf starts", () => {
    const result = wrapper(["output", "aws", `--output=${join(work, "out")}`], { TF_CLI_CONFIG_FILE: "", TF_PROVIDER_MIRROR: "/nonexistent" });
    expect(result.status).toBe(1);
    expectOneLine(result.stderr, /^npm run output: TF_PROVIDER_MIRROR=\/nonexistent holds no providers/);
    expect(result.cdktf).toBeUndefined();
  });

  test("Ctrl-C while the registry is looked up (before cdktf starts) ends the command, exit 130, its scratch directory removed", async () => {
    const tmp = mkdtempSync(join(work, "tmp-"));
    const asked = join(work, "registry-asked");
    // The wrapper's lookup of the registry never answers, as on a network that drops DNS; the marker says it began.
    const hang = join(work, "hang-dns.js");
    writeFileSync(
      hang,
      `if (/cdktf\\.js$/.test(process.argv[1] || "")) require("node:dns").promises.lookup = () => { require("node:fs").writeFileSync(${JSON.stringify(asked)}, ""); return new Promise(() => {}); };\n`,
    );
    const child = spawn(process.execPath, [join(projectRoot, "dist", "commands", "cdktf.js"), "output", "aws", `--output=${join(work, "out")}`], {
      cwd: projectRoot,
      env: { ...process.env, INFRA_CONFIG: withCerts, INIT_CWD: work, TF_CLI_CONFIG_FILE: "", HOME: tmp, TF_PROVIDER_MIRROR: "", TMPDIR: tmp, NODE_OPTIONS: `--require ${hang}` },
      stdio: "ignore",
    });
    const ended = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    const deadline = Date.now() + 20_000;
    while (!existsSync(asked) && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 20));
    expect(readdirSync(tmp).filter((d) => d.startsWith("soa-cdktf-"))).toHaveLength(1);
    child.kill("SIGINT");
    expect(await ended).toBe(130);
    expect(readdirSync(tmp).filter((d) => d.startsWith("soa-cdktf-"))).toEqual([]);
  });

  test("a relative TF_PROVIDER_MIRROR is read from where the command was typed, and handed on whole", () => {
    const mirror = findMirrors({ ...process.env, TF_PROVIDER_MIRROR: undefined })[0];
    if (!mirror) return; // no mirror on this machine to point at
    symlinkSync(mirror.path, join(work, "mirror-here"));
    const result = wrapper(["output", "aws", `--output=${join(work, "out")}`], { TF_CLI_CONFIG_FILE: "", TF_PROVIDER_MIRROR: "mirror-here" });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`provider mirror: ${join(work, "mirror-here")} (`);
  });
});
