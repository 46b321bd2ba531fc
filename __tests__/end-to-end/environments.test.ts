// Several environments from one checkout, as docs/backups-and-environments.md (Environments) tells it: its recipe run
// as written, in one workspace, with the cdktf wrapper, the real cdktf CLI and Terraform, offline from the provider
// mirror. Each deploy becomes `npm run output` of the aws stack: a deploy would reach AWS, and the mirror holds no
// Docker provider; both run `terraform init` in the environment's stack directory, which is what switching breaks.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../settings/paths";
import { run, workspace } from "./workspace";

const wrapper = join(projectRoot, "dist", "commands", "cdktf.js");

/** The lines of the page's recipe: its first sh block under "## Environments". */
function recipe(): string[] {
  const page = readFileSync(join(projectRoot, "docs", "backups-and-environments.md"), "utf8");
  const block = /```sh\n([^]*?)```/.exec(page.slice(page.indexOf("\n## Environments")));
  if (!block) throw new Error("no sh block under ## Environments in docs/backups-and-environments.md");
  return block[1].trim().split("\n");
}

/** One `INFRA_CONFIG=<file> npm run <script> -- <args>` of the recipe. */
interface Step {
  readonly config: string;
  readonly script: string;
  readonly args: string[];
}

/** The settings files the recipe writes (echo '<json>' > <file>), and the npm commands it runs, in order. */
function parse(lines: string[]): { files: Record<string, string>; steps: Step[] } {
  const files: Record<string, string> = {};
  const steps: Step[] = [];
  for (const line of lines) {
    const echo = /^echo '(.*)' > (\S+)$/.exec(line);
    if (echo) {
      files[echo[2]] = echo[1];
      continue;
    }
    for (const command of line.split(" && ")) {
      const npm = /^INFRA_CONFIG=(\S+) npm run (\S+)(?: -- (.*))?$/.exec(command.trim());
      if (!npm) throw new Error(`a recipe line this test cannot follow: ${line}`);
      steps.push({ config: npm[1], script: npm[2], args: npm[3]?.split(/\s+/) ?? [] });
    }
  }
  return { files, steps };
}

describe("several environments from one checkout, as the docs' recipe runs them", () => {
  let root = "";
  beforeAll(async () => {
    root = await workspace();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("each environment's commands, one after another and back, get past terraform init in their own directories", () => {
    const { files, steps } = parse(recipe());
    expect(Object.keys(files).length).toBeGreaterThanOrEqual(2);
    for (const [file, json] of Object.entries(files)) writeFileSync(join(root, file), json);
    // certs writes the project's certs/<environment>; output does not read certificates.
    const runs = steps.filter((s) => s.script !== "certs");
    expect(runs.map((s) => s.script)).toEqual(["deploy", "deploy", "output"]);
    expect(new Set(runs.map((s) => s.config)).size).toBe(2);
    for (const step of runs) {
      const options = step.args.filter((a) => a.startsWith("-"));
      expect(options.some((o) => o.startsWith("--output="))).toBe(true);
      const result = run(process.execPath, [wrapper, "output", "aws", "--no-color", ...options], { INFRA_CONFIG: step.config }, root);
      expect(result.output).not.toMatch(/Backend configuration changed|was initialized for the state at/);
      // Past init: Terraform read the (empty) state the settings name.
      expect(result.output).toMatch(/npm run output: no outputs for aws: not deployed yet/);
      expect(result.status).toBe(1);
    }
  });

  test("one environment's settings in another's directory are refused before cdktf starts, naming both states", () => {
    const { steps } = parse(recipe());
    const [first, second] = steps.filter((s) => s.script === "deploy");
    const firstOutput = first.args.find((a) => a.startsWith("--output="))!;
    const record = join(root, firstOutput.slice("--output=".length), "stacks", "aws", ".terraform", "terraform.tfstate");
    const before = readFileSync(record, "utf8");
    const result = run(process.execPath, [wrapper, "output", "aws", "--no-color", firstOutput], { INFRA_CONFIG: second.config }, root);
    expect(result.status).toBe(1);
    expect(result.output.trimEnd().split("\n")).toHaveLength(1);
    expect(result.output).toMatch(
      /^npm run output: \S+\/stacks\/aws was initialized for the state at \S+\/staging\/aws\.tfstate, but the settings now put it at \S+\/prod\/aws\.tfstate: give each environment, and each region of one, its own output directory \(--output=cdktf\.out\.prod\)/,
    );
    expect(readFileSync(record, "utf8")).toBe(before);
  });
});
