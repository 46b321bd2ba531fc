// `npm run bench`: how long users wait for synthesis, measured on what they run. The app command exactly as cdktf
// runs it (cdktf.json's "app", through a shell, in the project) with no source changed, after an edit, and for
// generated apps with 30 and 300 services; `npm run synth` end to end (npm plus the app) beside `npx cdktf synth`,
// which writes the same files through the cdktf CLI; and, in the same run, the default app laid out the cdktf template way (barrel
// imports, ts-node with type checking). Median wall time of several runs (perf_hooks around the child) and peak
// resident memory of the app's process (process.resourceUsage().maxRSS inside it). A benchmark, not a test: it
// reports the targets, it does not fail on them.
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { CONTEXT_ENV, environmentMessage } from "../settings/environment";
import { projectRoot, startedAs } from "../settings/paths";
import { UserError, integerOption, runCommand } from "../commands/cli";
import { exitIfInterrupted, removeScratch, removedOnInterrupt, scratchDirectory, spawnTracked } from "../commands/scratch";

interface Sample {
  readonly ms: number;
  /** Peak resident memory of the app's process, MiB. */
  readonly maxRssMb: number;
}

interface Row {
  readonly name: string;
  readonly samples: Sample[];
}

/** A run's scratch directory, made when the run starts (not when this module loads) and removed when it ends. */
interface Scratch {
  readonly work: string;
  /** Loaded into each measured process: reports its own peak memory when it exits. */
  readonly probe: string;
}

function makeScratch(): Scratch {
  const work = scratchDirectory("soa-bench-");
  const probe = join(work, "probe.js");
  writeFileSync(
    probe,
    'process.on("exit", () => require("fs").writeFileSync(process.env.BENCH_PROBE_OUT, String(process.resourceUsage().maxRSS)));\n',
  );
  return { work, probe };
}

/** The app command of a project, as cdktf.json gives it. */
function appCommand(dir: string): string {
  return JSON.parse(readFileSync(join(dir, "cdktf.json"), "utf8")).app;
}

/**
 * One synth, timed from spawn to exit: `command` through a shell as cdktf runs it, or node with `args`. Awaited, not
 * run synchronously: Ctrl-C is then handled as it comes, also before a synth has started, where a synchronous bench
 * would only see it after its last synth.
 */
async function measure({ work, probe: PROBE }: Scratch, run: { command: string } | { args: string[] }, cwd: string, env: NodeJS.ProcessEnv, probe = true): Promise<Sample> {
  const outdir = mkdtempSync(join(work, "out-"));
  const probeOut = join(work, "probe.out");
  rmSync(probeOut, { force: true });
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, CDKTF_OUTDIR: outdir, BENCH_PROBE_OUT: probeOut, CHECKPOINT_DISABLE: "1" };
  if (probe) childEnv.NODE_OPTIONS = `--require ${PROBE}`;
  const started = performance.now();
  const child =
    "command" in run
      ? spawnTracked(run.command.replace("{outdir}", outdir), [], { shell: true, cwd, env: childEnv })
      : spawnTracked(process.execPath, run.args, { cwd, env: childEnv });
  let stderr = "";
  child.stdout?.resume();
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const result = await new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
    child.once("error", fail);
    child.once("close", (status, signal) => done({ status, signal }));
  });
  const ms = performance.now() - started;
  // Ctrl-C ends the synth it reaches: the bench ends with it, removing its copies.
  exitIfInterrupted(result);
  const what = "command" in run ? run.command : run.args.join(" ");
  if (result.status !== 0) throw new Error(`synth failed (${what}):\n${stderr}`);
  for (const stack of ["aws", "docker"]) {
    if (!existsSync(join(outdir, "stacks", stack, "cdk.tf.json"))) throw new Error(`no ${stack} stack from ${what}`);
  }
  rmSync(outdir, { recursive: true, force: true });
  return { ms, maxRssMb: probe && existsSync(probeOut) ? Number(readFileSync(probeOut, "utf8")) / 1024 : NaN };
}

/** A copy of the project to edit, sharing node_modules. */
function projectCopy(): string {
  const dir = join(projectRoot, ".bench", "edited");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const entry of ["main.ts", "settings", "stacks", "constructs", "policy", "commands", "deploy", "maintainer", "task-definitions", "cloud-config", "schemas", "cdktf.json", "package.json", "tsconfig.json"]) {
    cpSync(join(projectRoot, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(projectRoot, "node_modules"), join(dir, "node_modules"));
  return dir;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Settings with `count` services spread over both clusters: two in three behind a load balancer, some scaling. */
export function generatedServices(count: number): unknown {
  const files = ["webtask", "apitask", "bottask"];
  const services: Record<string, unknown> = { web: null, db: null, api: null, bot: null };
  for (let i = 1; i <= count; i++) {
    const file = files[i % 3];
    const exposed = file !== "bottask";
    services[`svc${String(i).padStart(3, "0")}`] = {
      cluster: i % 2 ? "a" : "b",
      taskDefinition: `task-definitions/${file}.json`,
      loadBalancer: exposed ? { container: file, containerPort: 1337, internal: i % 5 === 0 } : null,
      autoScaling: exposed && i % 4 === 0 ? { minCount: 1, maxCount: 4 } : null,
    };
  }
  return { services };
}

/**
 * The same app as the cdktf template lays it out: provider classes from the package roots (barrel imports),
 * run from TypeScript by ts-node with type checking. Made from our sources by rewriting their imports.
 */
function templateCopy(): string {
  const dir = join(projectRoot, ".bench", "template");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const entry of ["main.ts", "settings", "stacks", "constructs", "policy", "task-definitions", "cloud-config", "schemas", "cdktf.json"]) {
    cpSync(join(projectRoot, entry), join(dir, entry), { recursive: true });
  }
  const deep = /^import (type )?\{([^}]+)\} from "(@cdktf\/provider-(?:aws|docker))\/lib\/([a-z0-9-]+)";$/gm;
  const rewrite = (file: string) => {
    const text = readFileSync(file, "utf8");
    const rewritten = text.replace(deep, (_line, _type, names: string, pkg: string, module: string) => {
      const namespace = module.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
      const alias = `${namespace}Module`;
      const aliases = names
        .split(",")
        .map((n) => n.trim().replace(/^type /, ""))
        .filter(Boolean)
        .map((n) => {
          const [name, as] = n.split(/\s+as\s+/);
          return `import ${as ?? name} = ${alias}.${name};`;
        });
      return [`import { ${namespace} as ${alias} } from "${pkg}";`, ...aliases].join("\n");
    });
    writeFileSync(file, rewritten);
  };
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".ts")) rewrite(p);
    }
  };
  walk(dir);
  // The template's compiler settings: type-checked by ts-node, no isolated modules.
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "commonjs",
        lib: ["ES2022"],
        types: ["node"],
        strict: true,
        esModuleInterop: true,
        resolveJsonModule: true,
        skipLibCheck: true,
      },
      include: ["**/*.ts"],
    }),
  );
  return dir;
}

function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}`;
}

export interface BenchOptions {
  /** Runs of each app command series. */
  readonly runs: number;
  /** Runs of `npm run synth` end to end. */
  readonly synthRuns: number;
  /** Runs of the template way. */
  readonly templateRuns: number;
}

export const BENCH_COMMAND = {
  name: "npm run bench",
  usage: `usage: npm run bench [-- --runs=N] [--synth-runs=N] [--template-runs=N]

Times what users wait for in synthesis (about three minutes with the defaults) and prints a table of median wall
times and peak memory. A benchmark, not a test: it reports the targets, it does not fail on them.

  --runs=N            runs of each app command series (default 7)
  --synth-runs=N      runs of \`npm run synth\` and of \`npx cdktf synth\` end to end (default 5)
  --template-runs=N   runs of the default app laid out the cdktf template way (default 3)
  -h, --help          this text

Each N is a whole number from 1 to 100. Copies are made under .bench/ and in $TMPDIR, and removed.
`,
  options: { runs: { type: "string" }, "synth-runs": { type: "string" }, "template-runs": { type: "string" } },
} as const;

/** The command line's options; throws UsageError (exit 2) for a bad count. */
export function benchOptions(values: { runs?: string; "synth-runs"?: string; "template-runs"?: string }): BenchOptions {
  const count = (name: keyof typeof values, fallback: number) => {
    const value = values[name];
    return value === undefined ? fallback : integerOption(name, value, 1, 100, "runs");
  };
  return { runs: count("runs", 7), synthRuns: count("synth-runs", 5), templateRuns: count("template-runs", 3) };
}

async function bench(options: BenchOptions): Promise<void> {
  // Every synth it times reads the context (each gets its own output directory): a bad one would fail them all.
  const environment = environmentMessage(process.env, [CONTEXT_ENV]);
  if (environment) throw new UserError(environment);
  const copies = removedOnInterrupt(join(projectRoot, ".bench"));
  const scratch = makeScratch();
  try {
    await main(options, scratch);
  } finally {
    removeScratch(copies);
    removeScratch(scratch.work);
  }
}

async function main({ runs, synthRuns, templateRuns }: BenchOptions, scratch: Scratch): Promise<void> {
  const { work } = scratch;
  const app = { command: appCommand(projectRoot) };
  const rows: Row[] = [];
  const series = async (name: string, count: number, run: () => Promise<Sample>, warm = 2) => {
    for (let i = 0; i < warm; i++) await run(); // warm the file cache and the bundles; not counted
    const samples: Sample[] = [];
    for (let i = 0; i < count; i++) samples.push(await run());
    rows.push({ name, samples });
    process.stderr.write(`  ${name}: ${samples.map((s) => s.ms.toFixed(0)).join(" ")} ms\n`);
    return samples;
  };
  process.stderr.write(`benchmarking (${runs} runs each)\n`);
  const noChange = await series(`app command \`${app.command}\`, no source changed`, runs, () => measure(scratch, app, projectRoot, { INFRA_CONFIG: "" }));
  const edited = projectCopy();
  let edits = 0;
  const afterEdit = await series("app command, after an edit to a source", runs, () => {
    appendFileSync(join(edited, "constructs", "literal.ts"), `// edit ${edits++}\n`);
    return measure(scratch, { command: appCommand(edited) }, edited, { INFRA_CONFIG: "" });
  });
  // What users type, warm (npm, then the app in the same process), and the cdktf CLI it replaces.
  const synth = await series(
    "`npm run synth` end to end (npm and the app command, no cdktf CLI)",
    synthRuns,
    () => measure(scratch, { command: "npm run --silent synth -- --output {outdir}" }, projectRoot, { INFRA_CONFIG: "" }, false),
  );
  const cdktfCli = await series(
    "`npx cdktf synth` end to end (the cdktf CLI and the app command)",
    synthRuns,
    () => measure(scratch, { command: `${join(projectRoot, "node_modules", ".bin", "cdktf")} synth --output {outdir}` }, projectRoot, { INFRA_CONFIG: "" }, false),
    1,
  );
  const sizes: Sample[][] = [];
  for (const size of [30, 300]) {
    const config = join(work, `services-${size}.json`);
    writeFileSync(config, JSON.stringify(generatedServices(size)));
    sizes.push(await series(`app command, ${size} services`, runs, () => measure(scratch, app, projectRoot, { INFRA_CONFIG: config })));
  }
  const template = templateCopy();
  const theirs = await series(
    "default app, template way (barrel imports, ts-node type-checking)",
    templateRuns,
    () => measure(scratch, { args: [join(projectRoot, "node_modules", "ts-node", "dist", "bin.js"), "main.ts"] }, template, { INFRA_CONFIG: "" }, true),
  );

  const med = (samples: Sample[]) => median(samples.map((s) => s.ms));
  const peak = (samples: Sample[]) => Math.max(...samples.map((s) => s.maxRssMb));
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  console.log(`\nMachine: ${machine()}\n`);
  console.log("| What runs | Runs | Median wall time | Fastest – slowest | Peak memory (max RSS) |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of rows) {
    const ms = r.samples.map((s) => s.ms);
    const memory = Number.isNaN(peak(r.samples)) ? "not measured" : `${peak(r.samples).toFixed(0)} MiB`;
    console.log(`| ${r.name} | ${ms.length} | ${seconds(med(r.samples))} s | ${seconds(Math.min(...ms))} – ${seconds(Math.max(...ms))} s | ${memory} |`);
  }
  const npmShare = med(synth) - med(noChange);
  const ratio = med(theirs) / med(noChange);
  console.log(
    `\nOf \`npm run synth\` (${seconds(med(synth))} s), npm's own share is ${seconds(npmShare)} s; the cdktf CLI takes ` +
      `${seconds(med(cdktfCli))} s for the same files (${(med(cdktfCli) / med(synth)).toFixed(1)} times as long).`,
  );
  console.log(`The template way takes ${ratio.toFixed(1)} times as long as the app command for the same app.\n`);
  const targets: [string, boolean][] = [
    [`app command, no change: median ${seconds(med(noChange))} s <= 0.6 s`, med(noChange) <= 600],
    [`npm run synth, warm: median ${seconds(med(synth))} s <= 0.6 s`, med(synth) <= 600],
    [`app command, no change: peak ${peak(noChange).toFixed(0)} MiB <= 150 MiB`, peak(noChange) <= 150],
    [`app command, after an edit: median ${seconds(med(afterEdit))} s <= 1.0 s`, med(afterEdit) <= 1000],
    [`${ratio.toFixed(1)} times faster than the template way >= 15`, ratio >= 15],
    [`300 services: median ${seconds(med(sizes[1]))} s <= 3 s`, med(sizes[1]) <= 3000],
  ];
  for (const [what, met] of targets) console.log(`${met ? "met    " : "MISSED "} ${what}`);
  process.stderr.write(`(copies were made under ${relative(projectRoot, join(projectRoot, ".bench"))} and removed)\n`);
}

if (startedAs("bench")) {
  runCommand(BENCH_COMMAND, async ({ values }) => {
    await bench(benchOptions(values));
    return 0;
  });
}
