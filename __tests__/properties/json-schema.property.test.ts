// Property-based: random overlays of the default settings (a random part of the defaults, some values changed to
// plausible ones and to junk, some entries removed, added or given another shape): the settings' JSON Schema never
// refuses a file the app accepts. PROPERTY_RUNS sets how many (default 60).
import fc from "fast-check";
import { isPlainObject } from "../../settings/json-file";
import { REMOVABLE_ENTRIES } from "../../settings/load";
import { settingsSchema } from "../../settings/schema";
import { appAccepts, schemaErrors } from "../settings/json-schema-check";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);

const junk = fc.constantFrom<unknown>(null, 0, 1, 2, 30, 100, 1337, -1, 2.5, "", "x", "t3.large", "t4g.small", "/data/x", true, false, [], {});
/** One leaf in this many is changed: with about a hundred leaves, many overlays still make valid settings. */
const JUNK_ONE_IN = 80;
const removable = (path: readonly string[]) => REMOVABLE_ENTRIES.some((p) => p.join(".") === path.join("."));
const NEW_ENTRIES: Record<string, Record<string, unknown>> = {
  clusters: { c: { name: "paris", capacity: { type: "instance" } } },
  services: { worker: { cluster: "b", taskDefinition: "task-definitions/bottask.json", desiredCount: 2 } },
  "docker.containers": { kibana: { image: "kibana:8.17.0", healthcheck: { test: ["CMD", "true"] } } },
};
function overlayOf(value: unknown, path: readonly string[]): fc.Arbitrary<unknown> {
  if (Array.isArray(value) || !isPlainObject(value)) {
    return fc.oneof({ weight: JUNK_ONE_IN - 1, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: junk });
  }
  const fields = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, overlayOf(v, [...path, k])]));
  const extra = NEW_ENTRIES[path.join(".")] ?? {};
  const entries = Object.fromEntries([
    ...Object.keys(value).map((k) => [k, removable(path) ? fc.oneof({ weight: 4, arbitrary: fields[k] }, { weight: 1, arbitrary: fc.constant(null) }) : fields[k]]),
    ...Object.entries(extra).map(([k, v]) => [k, fc.constant(v)]),
  ]);
  const merged = fc.record(entries, { requiredKeys: [] });
  if (path.at(-1) !== "capacity") return merged;
  // The other shape of a cluster's capacity, taken whole.
  const other = value.type === "instance" ? "autoScaling" : "instance";
  return fc.oneof({ weight: 3, arbitrary: merged }, { weight: 1, arbitrary: fc.constant({ type: other }) });
}
const overlay = overlayOf(settingsSchema.parse({}), []);

test(`${RUNS} random overlays of the defaults: the schema never refuses one the app accepts`, () => {
  fc.assert(
    fc.property(overlay, (file) => {
      if (!appAccepts(file)) return;
      expect(schemaErrors(file)).toEqual([]);
    }),
    { numRuns: RUNS },
  );
});

// Not vacuous: about a third of the overlays are settings the app accepts. Checked on a sample of fixed seed and
// size, so it holds whatever PROPERTY_RUNS is and fails only when a change to the generator stops making them.
test("the overlays include settings the app accepts", () => {
  const accepted = fc.sample(overlay, { numRuns: 40, seed: 20261202 }).filter((file) => appAccepts(file)).length;
  expect(accepted).toBeGreaterThan(40 / 8);
});
