import { Testing, type TerraformStack } from "cdktf";
import { composeApp } from "../main";
import { resolveSettings } from "../settings/load";

/** Synthesized Terraform JSON of one stack. */
export interface Synthesized {
  readonly text: string;
  readonly json: TerraformJson;
}

export interface TerraformJson {
  terraform: Record<string, any>;
  provider: Record<string, any[]>;
  resource: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  output?: Record<string, { value: unknown; description?: string; sensitive?: boolean }>;
}

/**
 * Builds the whole app from settings overrides (as INFRA_CONFIG would give them) and returns the stacks,
 * prepared as App.synth() prepares them, so cross-stack references are already outputs and remote state.
 */
export function buildStacks(overrides: unknown = {}) {
  const stacks = composeApp(Testing.app(), resolveSettings(overrides));
  for (const stack of Object.values(stacks)) stack.prepareStack();
  return stacks;
}

export function synthesize(stack: TerraformStack): Synthesized {
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) };
}

/** The resources of one type, by logical name. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, any> {
  return json.resource[type] ?? {};
}

/** The only resource of a type; fails when there are none or several. */
export function only(json: TerraformJson, type: string): any {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/** The resource of a type whose logical name contains `fragment`. */
export function named(json: TerraformJson, type: string, fragment: string): any {
  const matches = Object.entries(resourcesOf(json, type)).filter(([name]) => name.includes(fragment));
  if (matches.length !== 1) throw new Error(`expected one ${type} named *${fragment}*, found ${matches.length}`);
  return matches[0][1];
}

/** `${aws_x.name.attr}` -> "aws_x.name" */
export function referencedAddress(expression: string): string {
  const match = /^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\./.exec(expression);
  if (!match) throw new Error(`not a resource reference: ${expression}`);
  return match[1];
}
