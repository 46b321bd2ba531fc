// The JSON Schema of the settings file (schemas/settings.schema.json) is for editors and other tools: it must accept
// every file the app accepts, and refuse what the app refuses for its shape (unknown keys, wrong types). Checked with
// a real validator, Ajv, against the draft the file declares. Random overlays of the defaults are a property test:
// __tests__/properties/json-schema.property.test.ts.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { composeApp } from "../../main";
import { generatedServices } from "../../maintainer/bench";
import { withTestingApp } from "../../commands/graph";
import { SETTINGS_SCHEMA_FILE, settingsJsonSchemaText } from "../../maintainer/readme-tables";
import { SettingsError } from "../../settings/errors";
import { resolveSettings } from "../../settings/load";
import { projectRoot } from "../../settings/paths";
import { settingsSchema } from "../../settings/schema";
import { appAccepts, schema, schemaErrors } from "./json-schema-check";

test("the committed schema is the one generated from settings/schema/ (npm run docs)", () => {
  expect(readFileSync(join(projectRoot, SETTINGS_SCHEMA_FILE), "utf8")).toBe(settingsJsonSchemaText());
  expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
});

describe("it accepts what the app accepts", () => {
  const fixtures = join(projectRoot, "__tests__", "terraform");
  const shipped = readdirSync(fixtures)
    .filter((dir) => readdirSync(join(fixtures, dir)).includes("settings.json"))
    .map((dir) => join("__tests__", "terraform", dir, "settings.json"))
    .concat(readdirSync(join(projectRoot, "examples")).map((file) => join("examples", file)));

  test.each(shipped)("the shipped settings file %s", (file) => {
    const settings = JSON.parse(readFileSync(join(projectRoot, file), "utf8"));
    expect(appAccepts(settings)).toBe(true);
    expect(schemaErrors(settings)).toEqual([]);
  });

  test.each([
    ["an empty file", {}],
    ["every default spelled out", settingsSchema.parse({})],
    ["the benchmark's 300 generated services", generatedServices(300)],
    ["null for every removable entry", { clusters: { a: null, b: null }, services: { web: null, db: null, api: null, bot: null }, docker: { containers: { elastic: null } } }],
    ["a default cluster given another capacity type", { clusters: { b: { capacity: { type: "instance" } } }, services: { db: null } }],
    ["a new cluster and service", { clusters: { c: { name: "paris", capacity: { type: "autoScaling", maxSize: 4 } } }, services: { worker: { cluster: "c", taskDefinition: "task-definitions/bottask.json" } } }],
    ["a default's field set to null where it may be", { clusters: { a: { capacity: { dataVolume: null } } }, services: { db: null, web: { loadBalancer: null } } }],
    ["a $schema reference", { $schema: "./schemas/settings.schema.json", region: "eu-central-1" }],
  ])("%s", (_name, settings) => {
    expect(appAccepts(settings)).toBe(true);
    expect(schemaErrors(settings)).toEqual([]);
  });
});

describe("it refuses what the app refuses for its shape", () => {
  test.each([
    ["an unknown setting", { projekt: "soa" }, "(root): should NOT have additional properties"],
    ["an unknown field of a default entry", { clusters: { a: { capacity: { instanceTyp: "t3.large" } } } }, ".clusters.a.capacity: should NOT have additional properties"],
    ["an unknown field of a new entry", { services: { worker: { cluster: "a", taskDefinition: "task-definitions/bottask.json", replicas: 2 } } }, ".services['worker']: should NOT have additional properties"],
    ["a number as a string", { services: { web: { desiredCount: "2" } } }, ".services.web.desiredCount: should be integer"],
    ["a list for an object", { dockerHost: [] }, ".dockerHost: should be object"],
    ["null where nothing may be removed", { state: null }, ".state: should be object"],
    ["a new entry without its required fields", { clusters: { c: { name: "paris" } } }, ".clusters['c']: should have required property 'capacity'"],
    ["a value out of range", { logRetentionDays: 2 }, ".logRetentionDays: should be equal to one of the allowed values"],
    ["a $schema that is not a string", { $schema: 5 }, ".$schema: should be string"],
    // The rules zod states as refinements, given to editors as well.
    ["null for an entry that is not a default (a misspelt name)", { services: { wbe: null } }, ".services['wbe']: should be object"],
    ["a region outside the aws partition", { region: "cn-north-1" }, ".region: should be equal to one of the allowed values"],
    ["a VPC block larger than /16", { network: { vpcCidr: "10.0.0.0/8" } }, '.network.vpcCidr: should match pattern "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\\/(1[6-9]|2[0-8])$"'],
    ["the Docker API on HTTPS's port", { dockerHost: { apiPort: 443 } }, ".dockerHost.apiPort: should NOT be valid"],
  ])("%s", (_name, settings, error) => {
    expect(appAccepts(settings)).toBe(false);
    expect(schemaErrors(settings)).toContain(error);
  });
});

describe("a $schema key in the settings file", () => {
  test("is ignored: a file with one synthesizes as the same file without it", () => {
    const settings = { $schema: "./schemas/settings.schema.json", clusters: { a: { name: "paris" } } };
    const { $schema: _reference, ...without } = settings;
    const synth = (overrides: unknown) =>
      withTestingApp((app) => Object.values(composeApp(app, resolveSettings(overrides, "test.json"))).map((stack) => Testing.synth(stack)));
    const stacks = synth(settings);
    expect(stacks).toHaveLength(2);
    expect(stacks[0]).toContain('"name": "paris"');
    expect(stacks).toEqual(synth(without));
  });

  test("that is not a string is a settings error naming it, listed with the others", () => {
    expect(() => resolveSettings({ $schema: { url: "x" }, region: "moon-1" }, "test.json")).toThrow(SettingsError);
    try {
      resolveSettings({ $schema: { url: "x" }, region: "moon-1" }, "test.json");
    } catch (error) {
      const lines = (error as Error).message.split("\n");
      expect(lines[0]).toMatch(/^test\.json: \$schema = \{"url":"x"\}: expected a string: the path or URL of the settings' JSON Schema/);
      expect(lines.slice(1).join("\n")).toMatch(/^test\.json: region = "moon-1"/);
    }
  });

  test("is known to the schema only at the top", () => {
    expect(schemaErrors({ dockerHost: { $schema: "x" } })).toEqual([".dockerHost: should NOT have additional properties"]);
    expect(appAccepts({ dockerHost: { $schema: "x" } })).toBe(false);
  });
});
