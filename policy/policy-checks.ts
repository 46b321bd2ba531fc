// Policy as code, in the spirit of cdk-nag: an Aspect that checks every element of a stack against named rules
// (./rules.ts) and fails synthesis with every violation, each naming the construct path and the rule. A rule
// can be suppressed on a construct, and what it contains, only with a written reason.
import { type IConstruct } from "constructs";
import {
  DefaultTokenResolver,
  type IAspect,
  StringConcat,
  TerraformDataSource,
  TerraformElement,
  TerraformLocal,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from "cdktf";
import { type PolicyRule, RULES } from "./rules";

const SUPPRESSION = "soa:policy-suppression";
const MIN_REASON = 20;

export interface Suppression {
  readonly rule: string;
  readonly reason: string;
  /** The one part of the elements it covers (`container web`); undefined: all of them. */
  readonly subject?: string;
}

/**
 * Exempts `scope` and everything in it from one rule. The reason is kept and listed in docs/security.md. With a
 * `subject`, only from the findings about it: those that name it first (`container web: …`, see the rule).
 */
export function suppressRule(scope: IConstruct, rule: string, reason: string, subject?: string): void {
  if (!RULES.some((r) => r.id === rule)) throw new Error(`${scope.node.path}: no policy rule ${rule} to suppress`);
  if (reason.trim().length < MIN_REASON) {
    throw new Error(`${scope.node.path}: suppressing ${rule} needs a reason of at least ${MIN_REASON} characters`);
  }
  if (subject !== undefined && !/^\S(.*\S)?$/.test(subject)) throw new Error(`${scope.node.path}: suppressing ${rule} for a subject needs one, not "${subject}"`);
  const data: Suppression = subject === undefined ? { rule, reason } : { rule, reason, subject };
  scope.node.addMetadata(SUPPRESSION, data, { stackTrace: false });
}

/** Every suppression under `root`, with the path it applies to. */
export function suppressionsIn(root: IConstruct): (Suppression & { path: string })[] {
  return root.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === SUPPRESSION).map((m) => ({ ...(m.data as Suppression), path: c.node.path })));
}

export interface Violation {
  readonly path: string;
  readonly rule: PolicyRule;
  readonly detail: string;
}

export class PolicyError extends Error {
  constructor(readonly violations: readonly Violation[]) {
    super(
      `${violations.length} policy violation${violations.length === 1 ? "" : "s"}:\n` +
        violations.map((v) => `${v.path}: ${v.rule.id} (${v.rule.title}): ${v.detail}`).join("\n"),
    );
    this.name = "PolicyError";
  }
}

/** Checks a whole stack when the aspect reaches it, once per stack. */
export class PolicyChecks implements IAspect {
  private readonly checked = new WeakSet<TerraformStack>();

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformStack) || this.checked.has(node)) return;
    this.checked.add(node);
    const violations = checkStack(node);
    if (violations.length > 0) throw new PolicyError(violations);
  }
}

export function checkStack(stack: TerraformStack): Violation[] {
  const violations: Violation[] = [];
  // Whether a suppression on the element or a scope above it covers this finding (any finding: detail undefined).
  const suppressed = (element: IConstruct, rule: string, detail?: string) =>
    element.node.scopes.some((s) =>
      s.node.metadata.some((m) => {
        if (m.type !== SUPPRESSION) return false;
        const { rule: id, subject } = m.data as Suppression;
        return id === rule && (subject === undefined || detail?.startsWith(`${subject}:`) === true);
      }),
    );
  for (const element of stack.node.findAll()) {
    if (!(element instanceof TerraformElement)) continue;
    // The rules read literal values, which need no token resolution: resolve only to confirm a finding.
    const quick = describe(element, element.toTerraform());
    if (!quick) continue;
    let exact: typeof quick | undefined;
    for (const rule of RULES) {
      if (!rule.check || (rule.types && !rule.types.includes(quick.type))) continue;
      if (rule.check(quick.config, quick.type).every((detail) => suppressed(element, rule.id, detail))) continue;
      exact ??= describe(element, resolveIn(stack, element.toTerraform()))!;
      for (const detail of rule.check(exact.config, exact.type)) {
        if (!suppressed(element, rule.id, detail)) violations.push({ path: element.node.path, rule, detail });
      }
    }
  }
  violations.push(...checkRelations(stack, suppressed));
  return violations;
}

/** The rules about how elements relate, over the stack's resolved configuration (only the types they ask for). */
function checkRelations(stack: TerraformStack, suppressed: (element: IConstruct, rule: string, detail?: string) => boolean): Violation[] {
  type Element = TerraformResource | TerraformDataSource;
  const elements = stack.node.findAll().filter((e): e is Element => e instanceof TerraformResource || e instanceof TerraformDataSource);
  const cache = new Map<string, { address: string; config: Record<string, any>; element: Element }[]>();
  // Each finding's element by its address: searching the cache for each took time growing with the findings.
  const byAddress = new Map<string, Element>();
  const view = {
    of(type: string) {
      if (!cache.has(type)) {
        const matching = elements.filter((e) => (e instanceof TerraformDataSource ? `data.${e.terraformResourceType}` : e.terraformResourceType) === type);
        const viewed = matching.map((element) => ({
          element,
          address: `${type}.${stack.getLogicalId(element)}`,
          config: describe(element, resolveIn(stack, element.toTerraform()))!.config,
        }));
        for (const e of viewed) byAddress.set(e.address, e.element);
        cache.set(type, viewed);
      }
      return cache.get(type)!;
    },
  };
  const violations: Violation[] = [];
  for (const rule of RULES) {
    for (const finding of rule.checkStack?.(view) ?? []) {
      const element = byAddress.get(finding.address)!;
      if (!suppressed(element, rule.id, finding.detail)) violations.push({ path: element.node.path, rule, detail: finding.detail });
    }
  }
  return violations;
}

function resolveIn(stack: TerraformStack, value: unknown): any {
  return Tokenization.resolve(value, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
}

/** An element's Terraform type and its configuration, from its toTerraform() output. */
function describe(element: TerraformElement, json: Record<string, Record<string, any>>): { type: string; config: Record<string, any> } | undefined {
  const first = (block: Record<string, any> | undefined) => (block ? Object.values(block)[0] : undefined);
  if (element instanceof TerraformResource && !(element instanceof TerraformDataSource)) {
    return { type: element.terraformResourceType, config: first(json.resource?.[element.terraformResourceType]) ?? {} };
  }
  if (element instanceof TerraformDataSource) {
    return { type: `data.${element.terraformResourceType}`, config: first(json.data?.[element.terraformResourceType]) ?? {} };
  }
  if (element instanceof TerraformProvider) return { type: "provider", config: json.provider ?? {} };
  if (element instanceof TerraformLocal) return { type: "locals", config: json.locals ?? {} };
  if (element instanceof TerraformOutput) return { type: "output", config: json.output ?? {} };
  return undefined;
}
