// `npm run bench`: how fast and how lean synthesis is. Synthesizes the default app and generated apps with 30 and
// 300 services, several runs each, and reports the median wall time and the peak resident memory of the synth
// process (perf_hooks around the child, process.resourceUsage().maxRSS inside it). In the same run it measures
// the same default app laid out the cdktf template way (barrel imports, ts-node with type checking) and prints
// the ratio. A benchmark, not a test: it reports the targets, it does not fail on them.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, release, tmpdir, totalmem } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { projectRoot, startedAs } from "../settings/paths";

interface Sample {
  readonly ms: number;
  readonly maxRssMb: number;
}

interface Row {
  readonly name: string;
  readonly samples: Sample[];
}

const work = mkdtempSync(join(tmpdir(), "soa-bench-"));
/** Loaded into each measured process: reports its own peak memory when it exits. */
const PROBE = join(work, "probe.js");
writeFileSync(
  PROBE,
  'process.on("exit", () => require("fs").writeFileSync(process.env.BENCH_PROBE_OUT, String(process.resourceUsage().maxRSS)));\n',
);

/** One synth process, timed from spawn to exit. */
function measure(args: string[], cwd: string, env: NodeJS.ProcessEnv): Sample {
  const outdir = mkdtempSync(join(work, "out-"));
  const probeOut = join(work, "probe.out");
  const started = performance.now();
  const result = spawnSync(process.execPath, ["--require", PROBE, ...args], {
    cwd,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir, BENCH_PROBE_OUT: probeOut, CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
  });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`synth failed (${args.join(" ")}):\n${result.stderr}`);
  for (const stack of ["aws", "docker"]) {
    if (!existsSync(join(outdir, "stacks", stack, "cdk.tf.json"))) throw new Error(`no ${stack} stack from ${args.join(" ")}`);
  }
  rmSync(outdir, { recursive: true, force: true });
  return { ms, maxRssMb: Number(readFileSync(probeOut, "utf8")) / 1024 };
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

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "7" }, "template-runs": { type: "string", default: "3" } } });
  const runs = Number(values.runs);
  const compiled = join(projectRoot, "dist", "main.js");
  const rows: Row[] = [];
  const series = (name: string, count: number, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => {
    for (let i = 0; i < 2; i++) measure(args, cwd, env); // warm the file cache; not counted
    const samples = Array.from({ length: count }, () => measure(args, cwd, env));
    rows.push({ name, samples });
    process.stderr.write(`  ${name}: ${samples.map((s) => s.ms.toFixed(0)).join(" ")} ms\n`);
  };
  process.stderr.write(`benchmarking (${runs} runs each)\n`);
  series("default app (4 services)", runs, [compiled], projectRoot, { INFRA_CONFIG: "" });
  for (const size of [30, 300]) {
    const config = join(work, `services-${size}.json`);
    writeFileSync(config, JSON.stringify(generatedServices(size)));
    series(`${size} services`, runs, [compiled], projectRoot, { INFRA_CONFIG: config });
  }
  const template = templateCopy();
  series(
    "default app, template way (barrel imports, ts-node type-checking)",
    Number(values["template-runs"]),
    [join(projectRoot, "node_modules", "ts-node", "dist", "bin.js"), "main.ts"],
    template,
    { INFRA_CONFIG: "" },
  );
  rmSync(join(projectRoot, ".bench"), { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });

  const med = (r: Row) => median(r.samples.map((s) => s.ms));
  const peak = (r: Row) => Math.max(...r.samples.map((s) => s.maxRssMb));
  console.log(`\nMachine: ${machine()}\n`);
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  console.log("| Synth process | Runs | Median wall time | Fastest – slowest | Peak memory (max RSS) |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of rows) {
    const ms = r.samples.map((s) => s.ms);
    console.log(`| ${r.name} | ${ms.length} | ${seconds(med(r))} s | ${seconds(Math.min(...ms))} – ${seconds(Math.max(...ms))} s | ${peak(r).toFixed(0)} MB |`);
  }
  const [ours, , big, theirs] = rows;
  const ratio = med(theirs) / med(ours);
  console.log(`\nThe template way takes ${ratio.toFixed(1)} times as long as ours for the same app.\n`);
  const targets: [string, boolean][] = [
    [`default app: median ${(med(ours) / 1000).toFixed(2)} s <= 0.6 s`, med(ours) <= 600],
    [`default app: peak ${peak(ours).toFixed(0)} MB <= 150 MB`, peak(ours) <= 150],
    [`${ratio.toFixed(1)} times faster than the template way >= 15`, ratio >= 15],
    [`300 services: median ${(med(big) / 1000).toFixed(2)} s <= 3 s`, med(big) <= 3000],
  ];
  for (const [what, met] of targets) console.log(`${met ? "met    " : "MISSED "} ${what}`);
  process.stderr.write(`(template copy was made under ${relative(projectRoot, template)} and removed)\n`);
}

if (startedAs("bench")) main();
