// The settings' JSON Schema as an editor or another tool reads it (Ajv, against the draft the file declares), and
// the app's own verdict on the same file: what the JSON Schema tests compare.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { SETTINGS_SCHEMA_FILE } from "../../maintainer/readme-tables";
import { SettingsError } from "../../settings/errors";
import { resolveSettings } from "../../settings/load";
import { projectRoot } from "../../settings/paths";

export const schema = JSON.parse(readFileSync(join(projectRoot, SETTINGS_SCHEMA_FILE), "utf8"));
const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(schema);

/** Where the schema refuses `file`, as `path: message` lines; none when it accepts it. */
export function schemaErrors(file: unknown): string[] {
  return validate(file) ? [] : (validate.errors ?? []).map((e) => `${e.dataPath || "(root)"}: ${e.message}`);
}

/** Whether the app accepts `file` as the INFRA_CONFIG file. */
export function appAccepts(file: unknown): boolean {
  try {
    resolveSettings(file, "test.json");
    return true;
  } catch (error) {
    if (error instanceof SettingsError) return false;
    throw error;
  }
}
