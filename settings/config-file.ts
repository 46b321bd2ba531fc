// Which settings file INFRA_CONFIG names: the one question every command asks of it before reading anything. A
// module of its own, so that a command asking only this (review) does not bundle the whole settings schema.
import { SettingsError, showValue } from "./errors";

/** The environment variable that names the user's settings file. */
export const CONFIG_ENV = "INFRA_CONFIG";

/**
 * The settings file INFRA_CONFIG names, as typed (trimmed); undefined for the built-in settings (unset or empty).
 * Only spaces is a path gone wrong (a quoted variable left empty), not the built-in settings: a SettingsError.
 */
export function configFileOf(env: NodeJS.ProcessEnv): string | undefined {
  const given = env[CONFIG_ENV];
  if (given && given.trim() === "") {
    throw new SettingsError([
      { file: `environment variable ${CONFIG_ENV}`, path: "", value: showValue(given), expected: "expected the path of a settings file, or nothing (unset or empty) for the built-in settings" },
    ]);
  }
  return given?.trim() || undefined;
}
