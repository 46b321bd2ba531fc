// Settings = built-in defaults, overlaid by the JSON file named in INFRA_CONFIG, validated as a whole.
// Every bad input becomes a SettingsError before any construct exists, so nothing is written to cdktf.out.
import { resolve } from "node:path";
import { type z } from "zod";
import { AWS_RULES } from "./aws-rules";
import { CONFIG_ENV, configFileOf } from "./config-file";
import { SettingsError, type SettingsProblem, addProblems, formatPath, listed, showValue } from "./errors";
import { inputProblems, isPlainObject, own, readJsonFile } from "./json-file";
import { projectRoot, userPath } from "./paths";
import { type ServiceSettings, type Settings, settingsSchema } from "./schema";
import { type ContainerDefinition, MAX_DEFINITION_BYTES, checkContainerDefinitions, readonlyRootExceptionProblems } from "./task-definitions";

export { CONFIG_ENV };
const DEFAULTS_LABEL = "built-in defaults";
/** Maps whose entries an override can remove with null. */
export const REMOVABLE_ENTRIES = [["clusters"], ["services"], ["docker", "containers"]] as const;

export interface LoadedService extends ServiceSettings {
  /** The parsed, checked contents of `taskDefinition`. */
  readonly containerDefinitions: ContainerDefinition[];
}

export interface AppSettings extends Omit<Settings, "services"> {
  readonly services: Record<string, LoadedService>;
  /** Prefix of every resource name: `<project>`, or `<project>-<environment>`. */
  readonly prefix: string;
}

/** The ECS cluster name of a cluster's `name` setting in an environment (ECS names are unique per account). */
export function ecsClusterName(settings: Pick<Settings, "environment">, name: string): string {
  return settings.environment ? `${name}-${settings.environment}` : name;
}

/** Loads and checks the settings; throws SettingsError listing every bad input. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): AppSettings {
  const configFile = configFileOf(env);
  let overrides: unknown = {};
  // A relative path means one from where the user typed the command, which npm reports in INIT_CWD.
  const path = configFile && userPath(configFile, env);
  const label = configFile && `${CONFIG_ENV} file ${configFile}`;
  if (path && label) {
    // A file that cannot be read is named as the path tried, so a wrong starting directory shows.
    const read = readJsonFile(path, path === configFile ? label : `${label} (${path})`);
    if (!read.ok) throw new SettingsError([read.problem]);
    const unsafe = inputProblems(read.value, label);
    if (unsafe.length > 0) throw new SettingsError(unsafe);
    if (!isPlainObject(read.value)) {
      throw new SettingsError([
        { file: label, path: "", value: showValue(read.value), expected: "expected a JSON object of settings" },
      ]);
    }
    overrides = read.value;
  }
  return resolveSettings(overrides, label || DEFAULTS_LABEL);
}

let defaults: unknown;

/** The built-in settings, parsed once per process; each resolution lays its overrides on a copy of its own. */
function builtInDefaults(): unknown {
  defaults ??= settingsSchema.parse({});
  return structuredClone(defaults);
}

/** Validates `overrides` laid over the defaults; `label` names their source in messages. */
export function resolveSettings(overrides: unknown, label = DEFAULTS_LABEL): AppSettings {
  const unsafe = inputProblems(overrides, label);
  if (unsafe.length > 0) throw new SettingsError(unsafe);
  const { settings, problems } = withoutSchemaReference(overrides, label);
  const base = builtInDefaults();
  addProblems(problems, removalsOfNothing(settings, base, label));
  const merged = overlay(base, settings) as Record<string, unknown>;
  for (const path of REMOVABLE_ENTRIES) {
    const parent = valueAt(merged, path.slice(0, -1)) as Record<string, unknown> | undefined;
    const key = path[path.length - 1];
    const entries = parent?.[key];
    if (isPlainObject(entries)) {
      parent![key] = Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== null));
    }
  }
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success || problems.length > 0) {
    throw new SettingsError([...problems, ...(parsed.error?.issues.flatMap((issue) => describeIssue(issue, merged, label)) ?? [])]);
  }
  return loadTaskDefinitions(parsed.data, label);
}

/**
 * A null for an entry the defaults do not have: it removes nothing, so a misspelt name (`"wbe": null`) would leave
 * the entry meant (web) deployed without a word.
 */
function removalsOfNothing(overrides: unknown, defaults: unknown, label: string): SettingsProblem[] {
  return REMOVABLE_ENTRIES.flatMap((path) => {
    const given = valueAt(overrides, path);
    if (!isPlainObject(given)) return [];
    const existing = valueAt(defaults, path) as Record<string, unknown>;
    const names = Object.keys(existing).join(", ") || "none";
    return Object.entries(given)
      .filter(([key, value]) => value === null && own(existing, key) === undefined)
      .map(([key]) => ({
        file: label,
        path: formatPath([...path, key]),
        value: "null",
        expected: `null removes a built-in entry, and there is none named ${showValue(key)} (the built-in ones: ${names}); remove this line, or name the entry to remove`,
      }));
  });
}

/**
 * The overrides without `$schema`, the key that tells an editor where the file's JSON Schema is
 * (schemas/settings.schema.json): a reference for tools, no setting, so a string the app ignores.
 */
function withoutSchemaReference(overrides: unknown, label: string): { settings: unknown; problems: SettingsProblem[] } {
  if (!isPlainObject(overrides) || own(overrides, "$schema") === undefined) return { settings: overrides, problems: [] };
  const { $schema: reference, ...settings } = overrides;
  if (typeof reference === "string") return { settings, problems: [] };
  const expected = "expected a string: the path or URL of the settings' JSON Schema, such as ./schemas/settings.schema.json";
  return { settings, problems: [{ file: label, path: "$schema", value: showValue(reference), expected }] };
}

/**
 * A task definition file that cannot be opened, named as the setting that names it and the path tried: a relative
 * path is the project's, not the settings file's directory. Problems inside a file that was read name the file.
 */
function unreadable(problem: SettingsProblem, key: string, path: string, label: string): SettingsProblem {
  if (!problem.expected.startsWith("cannot be read")) return problem;
  const why = problem.expected.replace(/; expected .*$/, "");
  return {
    file: label,
    path: `services.${key}.taskDefinition`,
    value: showValue(problem.file),
    expected: `${why} at ${path}; expected a JSON file of container definitions, by a path relative to the project directory`,
  };
}

function loadTaskDefinitions(settings: Settings, label: string): AppSettings {
  const problems: SettingsProblem[] = [];
  const byFile = new Map<string, ContainerDefinition[] | undefined>();
  const services: Record<string, LoadedService> = {};
  for (const [key, service] of Object.entries(settings.services)) {
    const file = service.taskDefinition;
    // By the file it names: a path spelled two ways (./x.json, x.json) is read and checked once.
    const path = resolve(projectRoot, file);
    if (!byFile.has(path)) {
      const read = readJsonFile(path, file);
      const unsafe = read.ok ? inputProblems(read.value, file) : [];
      const found = !read.ok ? [unreadable(read.problem, key, path, label)] : unsafe.length > 0 ? unsafe : checkContainerDefinitions(read.value, file);
      addProblems(problems, found);
      byFile.set(path, found.length === 0 ? (read as { value: ContainerDefinition[] }).value : undefined);
    }
    const containers = byFile.get(path);
    if (!containers) continue;
    addProblems(problems, crossCheck(key, service, containers, label));
    addProblems(problems, readonlyRootExceptionProblems(key, service, containers, label));
    services[key] = { ...service, containerDefinitions: containers };
  }
  if (problems.length > 0) throw new SettingsError(problems);
  const env = settings.environment;
  return {
    ...settings,
    services,
    prefix: env ? `${settings.project}-${env}` : settings.project,
    // Each environment has its own certificates unless a directory is set explicitly.
    dockerHost: env && settings.dockerHost.certsDir === "certs" ? { ...settings.dockerHost, certsDir: `certs/${env}` } : settings.dockerHost,
  };
}

/** What a service's settings say about its containers must hold in its task definition file. */
function crossCheck(
  key: string,
  service: ServiceSettings,
  containers: ContainerDefinition[],
  label: string,
): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const lb = service.loadBalancer;
  if (lb) {
    const target = containers.find((c) => c.name === lb.container);
    const at = `services.${key}.loadBalancer`;
    if (!target) {
      problems.push({
        file: label,
        path: `${at}.container`,
        value: showValue(lb.container),
        expected: `expected a container of ${service.taskDefinition}: ${containers.map((c) => c.name).join(", ")}`,
      });
    } else if (!target.portMappings?.some((m) => m.containerPort === lb.containerPort)) {
      problems.push({
        file: label,
        path: `${at}.containerPort`,
        value: showValue(lb.containerPort),
        expected: `expected a containerPort that ${lb.container} maps in ${service.taskDefinition}`,
      });
    } else {
      const i = containers.indexOf(target);
      target.portMappings.forEach((m, j) => {
        if (m.containerPort === lb.containerPort && m.hostPort) {
          problems.push({
            file: service.taskDefinition,
            path: formatPath([i, "portMappings", j, "hostPort"]),
            value: showValue(m.hostPort),
            expected: `expected 0 or no hostPort for the port services.${key}.loadBalancer sends traffic to: ${AWS_RULES.dynamicHostPort.rule}`,
          });
        }
      });
    }
  }
  const volumes = new Set<string>();
  service.volumes.forEach((v, i) => {
    if (volumes.has(v.name)) {
      problems.push({ file: label, path: formatPath(["services", key, "volumes", i, "name"]), value: showValue(v.name), expected: `expected a name no other volume of services.${key} has: ${AWS_RULES.volumeNames.rule}` });
    }
    volumes.add(v.name);
  });
  // The service's volumes go into its task definition beside the file's container definitions (which, alone, the
  // file's own check measured).
  const bytes = service.volumes.length > 0 ? Buffer.byteLength(JSON.stringify(containers)) + Buffer.byteLength(JSON.stringify(service.volumes)) : 0;
  if (bytes > MAX_DEFINITION_BYTES) {
    problems.push({
      file: label,
      path: formatPath(["services", key, "volumes"]),
      expected: `expected fewer volumes: with ${service.taskDefinition}'s container definitions they take ${bytes} bytes as compact JSON, more than ${MAX_DEFINITION_BYTES}: ${AWS_RULES.taskDefinitionSize.rule}`,
    });
  }
  const known = listed([...volumes]);
  containers.forEach((c, i) =>
    c.mountPoints?.forEach((m, j) => {
      if (!m.sourceVolume || !volumes.has(m.sourceVolume)) {
        problems.push({
          file: service.taskDefinition,
          path: formatPath([i, "mountPoints", j, "sourceVolume"]),
          value: showValue(m.sourceVolume),
          expected: `expected a volume declared in services.${key}.volumes (${known})`,
        });
      }
    }),
  );
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue, merged: unknown, label: string): SettingsProblem[] {
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(issue.path, merged);
    return issue.keys.map((k) => ({
      file: label,
      path: formatPath([...issue.path, k]),
      value: showValue(valueAt(merged, [...issue.path, k])),
      expected: `unknown setting${known ? `; expected one of: ${known.join(", ")}` : ""}`,
    }));
  }
  return [{ file: label, path: formatPath(issue.path), value: showValue(valueAt(merged, issue.path)), expected: expectation(issue) }];
}

/** zod's type names as a reader of JSON says them. */
const TYPE_NAMES: Record<string, string> = {
  int: "an integer",
  array: "a list",
  object: "an object",
  string: "a string",
  number: "a number",
  boolean: "true or false",
  record: "an object",
};

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`}`;
    case "too_big":
      return issue.origin === "array" || issue.origin === "string"
        ? `expected at most ${issue.maximum} ${issue.origin === "array" ? "items" : "characters"}`
        : `expected at most ${issue.maximum}`;
    case "too_small":
      return issue.origin === "array" || issue.origin === "string"
        ? `expected at least ${issue.minimum} ${issue.origin === "array" ? "items" : "characters"}`
        : `expected at least ${issue.minimum}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union":
      if ("options" in issue && Array.isArray(issue.options)) {
        return `expected one of ${issue.options.map((v: unknown) => JSON.stringify(v)).join(", ")}`;
      }
      return `expected ${issue.errors.flat().map((e) => e.message).join(" or ") || "a valid value"}`;
    case "invalid_key":
      return `invalid key; ${issue.issues.map((i) => i.message).join("; ")}`;
    default:
      return issue.message;
  }
}

/** The keys the schema accepts for the object at `path`, when it can tell. */
function knownKeys(path: readonly PropertyKey[], merged: unknown): string[] | undefined {
  let schema: z.core.$ZodType | undefined = settingsSchema;
  const unwrap = (s: z.core.$ZodType): z.core.$ZodType => {
    const def = s._zod.def as { type: string; innerType?: z.core.$ZodType };
    return def.innerType && ["default", "nullable", "optional", "prefault"].includes(def.type) ? unwrap(def.innerType) : s;
  };
  for (let i = 0; i <= path.length && schema; i++) {
    schema = unwrap(schema);
    const def = schema._zod.def as unknown as {
      type: string;
      shape?: Record<string, z.core.$ZodType>;
      valueType?: z.core.$ZodType;
      element?: z.core.$ZodType;
      options?: z.core.$ZodType[];
      discriminator?: string;
    };
    if (def.type === "union" && def.options && def.discriminator) {
      const tag = (valueAt(merged, path.slice(0, i)) as Record<string, unknown> | undefined)?.[def.discriminator];
      schema = def.options.find((o) => {
        const shape = (unwrap(o)._zod.def as { shape?: Record<string, z.core.$ZodType> }).shape;
        const literal = shape?.[def.discriminator!]?._zod.def as { values?: unknown[] } | undefined;
        return literal?.values?.includes(tag);
      });
      i--;
      continue;
    }
    if (i === path.length) return def.shape ? Object.keys(def.shape) : undefined;
    const segment = path[i];
    schema = def.shape ? own(def.shape, String(segment)) : (def.valueType ?? def.element);
  }
  return undefined;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v === null || typeof v !== "object" ? undefined : own(v as Record<string, unknown>, String(k))), root);
}

/** Lays `over` on `base`: objects merge key by key, anything else (lists included) replaces. */
function overlay(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  // A different discriminator means a different shape: take the override whole.
  if ("type" in base && "type" in over && base.type !== over.type) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = overlay(own(base, k), v);
  return out;
}
