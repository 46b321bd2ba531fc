// JSON documents that AWS reads (IAM and bucket policies, container definitions), in the form each output needs.
//
// JSON configuration (cdk.tf.json): JSON text, with references as `${...}` inside it, the form scanners read
// (checkov's terraform_json checks and others json-parse a string attribute; they cannot evaluate jsonencode()).
// The text is a Terraform template, so `${` and `%{` in the data are written `$${` and `%%{`.
//
// HCL (`cdktf synth --hcl`): jsonencode() of an object. JSON text full of quotes is not something cdktf's HCL
// converter can write: it leaves quotes unescaped in strings that hold a reference, and never escapes a backslash.
// cdktf writes each string of the object as an HCL string literal itself, escaping only newlines and "${";
// jsonDocument() escapes the rest first.
//
// Which output is decided when the stack is synthesized (the App's hclOutput, which `cdktf synth --hcl` sets).
// policy/synthesized.ts reads either form back, for the policy rules, the tests, the snapshots and `npm run review`.
import { App, Fn, type IResolveContext, Lazy, Token, Tokenization } from "cdktf";
import { hclStringContent } from "./literal";

/** `value` (plain JSON data; strings may hold cdktf references) as JSON text, or as jsonencode() of it in HCL. */
export function jsonDocument(value: unknown): string {
  return Lazy.stringValue({
    produce: (context) => (synthesizesHcl(context) ? undefined : jsonText(value, context)) ?? Fn.jsonencode(escapeDeep(value)),
  });
}

function synthesizesHcl(context: IResolveContext): boolean {
  const root = context.scope.node.root;
  return App.isApp(root) && root.hclOutput;
}

function escapeDeep(value: unknown): unknown {
  // Values: cdktf escapes newlines and "${" itself. Keys: it writes them as they are.
  if (typeof value === "string") return hclStringContent(value, true);
  if (Array.isArray(value)) return value.map(escapeDeep);
  if (value !== null && typeof value === "object" && !Tokenization.isResolvable(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [hclStringContent(k), escapeDeep(v)]));
  }
  return value;
}

/** A reference to a resource, data source, variable or local: the only expressions JSON text carries. */
const REFERENCE = /^[A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\])+$/;

class NotText extends Error {}

/**
 * `value` as JSON text in which each reference is a `${...}` interpolation, or undefined when it cannot be: an
 * expression other than a reference (its quotes would break the JSON), a number or list that is an expression, or a
 * `$` or `%` right before a reference (it would read as an escape).
 */
function jsonText(value: unknown, context: IResolveContext): string | undefined {
  const expected: string[] = [];
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return Token.isUnresolved(v) ? template(v) : escapeTemplate(v);
    if (Token.isUnresolved(v) || Tokenization.isResolvable(v)) throw new NotText();
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [escapeTemplate(k), walk(x)]));
    return v;
  };
  const template = (text: string): string =>
    pieces(text)
      .map((piece) => {
        if (!Token.isUnresolved(piece)) return escapeTemplate(piece);
        const resolved: unknown = context.resolve(piece);
        const reference = typeof resolved === "string" ? /^\$\{(.*)\}$/s.exec(resolved)?.[1] : undefined;
        if (reference === undefined || !REFERENCE.test(reference)) throw new NotText();
        expected.push(reference);
        return resolved;
      })
      .join("");
  try {
    const text = JSON.stringify(walk(value));
    return JSON.stringify(interpolations(text)) === JSON.stringify(expected) ? text : undefined;
  } catch (error) {
    if (error instanceof NotText) return undefined;
    throw error;
  }
}

/** A string's literal text and cdktf tokens, in order. */
function pieces(text: string): string[] {
  const parts = (x: unknown): string[] => (Array.isArray(x) ? x : [String(x)]);
  return parts(Tokenization.reverseString(text).join({ join: (left: unknown, right: unknown) => [...parts(left), ...parts(right)] }));
}

/** The expressions Terraform reads in a JSON-syntax template, or undefined when it holds a directive (`%{`). */
function interpolations(text: string): string[] | undefined {
  const found: string[] = [];
  for (const match of text.matchAll(/\$\$\{|%%\{|\$\{([^}]*)\}|%\{/g)) {
    if (match[0] === "%{") return undefined;
    if (match[1] !== undefined) found.push(match[1]);
  }
  return found;
}

function escapeTemplate(text: string): string {
  // Replacer functions: in a replacement string "$$" would collapse to "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}
