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
// decodeJsonDocument() reads either form back, for the policy rules, the tests, the snapshots and `npm run review`.
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

function unescapeTemplate(text: string): string {
  return text.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}

function unescapeDeep(value: unknown): unknown {
  if (typeof value === "string") return unescapeTemplate(value);
  if (Array.isArray(value)) return value.map(unescapeDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [unescapeTemplate(k), unescapeDeep(v)]));
  }
  return value;
}

const ENCODED = /^\$\{jsonencode\(([\s\S]*)\)\}$/;

/** Whether `text` is a jsonDocument() synthesized as jsonencode() (as in HCL). */
export function isJsonDocument(text: unknown): text is string {
  return typeof text === "string" && ENCODED.test(text);
}

/**
 * The data of a synthesized jsonDocument(), either form: `${jsonencode(...)}`, or JSON text (a Terraform template,
 * so `$${` and `%%{` read as `${` and `%{`). References come back as `${...}` inside strings. Throws on anything else.
 */
export function decodeJsonDocument(text: string): unknown {
  const encoded = ENCODED.exec(text);
  if (!encoded) return unescapeDeep(JSON.parse(text));
  const parser = new ExpressionReader(encoded[1]);
  const value = parser.value();
  parser.end();
  return value;
}

/**
 * The file and variables of a `templatefile("path", {...})` call inside a synthesized expression (as
 * ./template-file.ts writes it, possibly wrapped in another call); variables that are expressions come back as
 * `${...}`. Undefined when there is none.
 */
export function decodeTemplatefileCall(text: string): { path: string; vars: Record<string, unknown> } | undefined {
  const call = /templatefile\(/.exec(text);
  if (!call) return undefined;
  const reader = new ExpressionReader(text, call.index + call[0].length);
  const path = reader.value();
  if (typeof path !== "string" || !reader.skip(",")) return undefined;
  const vars = reader.value();
  return vars && typeof vars === "object" && !Array.isArray(vars) ? { path, vars: vars as Record<string, unknown> } : undefined;
}

/** Reads the subset of HCL expression syntax that cdktf writes for function arguments. */
class ExpressionReader {
  constructor(
    private readonly src: string,
    private at = 0,
  ) {}

  /** Skips `token` (after spaces), saying whether it was there. */
  skip(token: string): boolean {
    this.space();
    if (!this.src.startsWith(token, this.at)) return false;
    this.at += token.length;
    return true;
  }

  value(): unknown {
    this.space();
    const c = this.src[this.at];
    if (c === "{") return this.object();
    if (c === "[") return this.list();
    if (c === '"') return this.string();
    const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?=[\s,\]})]|$)/.exec(this.src.slice(this.at));
    if (literal) {
      this.at += literal[0].length;
      return JSON.parse(literal[0]);
    }
    return `\${${this.expression()}}`;
  }

  end(): void {
    this.space();
    if (this.at !== this.src.length) this.fail("end of the document");
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.at++;
    for (this.space(); this.src[this.at] !== "}"; this.space()) {
      const key = this.string();
      this.space();
      if (this.src[this.at] !== "=") this.fail('"="');
      this.at++;
      out[key] = this.value();
      this.separator("}");
    }
    this.at++;
    return out;
  }

  private list(): unknown[] {
    const out: unknown[] = [];
    this.at++;
    for (this.space(); this.src[this.at] !== "]"; this.space()) {
      out.push(this.value());
      this.separator("]");
    }
    this.at++;
    return out;
  }

  private separator(close: string): void {
    this.space();
    if (this.src[this.at] === ",") this.at++;
    else if (this.src[this.at] !== close) this.fail(`"," or "${close}"`);
  }

  /** A quoted template: escapes decoded, interpolations kept as `${...}`. */
  private string(): string {
    if (this.src[this.at] !== '"') this.fail("a quoted string");
    let out = "";
    for (this.at++; this.at < this.src.length; ) {
      const rest = this.src.slice(this.at);
      if (rest[0] === '"') {
        this.at++;
        return out;
      }
      const escape = /^(?:\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{)/.exec(rest);
      if (escape) {
        this.at += escape[0].length;
        out += escape[1] === undefined ? escape[0].slice(1) : unescape(escape[1]);
      } else if (rest.startsWith("${")) {
        this.at += 2;
        out += `\${${this.expression("}")}}`;
        this.at++;
      } else {
        out += rest[0];
        this.at++;
      }
    }
    return this.fail("a closing quote");
  }

  /** A Terraform expression, verbatim, up to `stop` (or a separator) outside brackets and strings. */
  private expression(stop = ""): string {
    const start = this.at;
    let depth = 0;
    while (this.at < this.src.length) {
      const c = this.src[this.at];
      if (depth === 0 && (c === stop || (!stop && /[,\]}]/.test(c)))) break;
      if (c === '"') {
        this.string();
        continue;
      }
      if ("([{".includes(c)) depth++;
      if (")]}".includes(c)) depth--;
      this.at++;
    }
    const text = this.src.slice(start, this.at).trim();
    if (!text) this.fail("a value");
    return text;
  }

  private space(): void {
    while (/\s/.test(this.src[this.at] ?? "")) this.at++;
  }

  private fail(expected: string): never {
    throw new Error(`decodeJsonDocument: expected ${expected} at offset ${this.at} of ${this.src.slice(0, 80)}…`);
  }
}

function unescape(code: string): string {
  const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };
  if (code in simple) return simple[code];
  if (/^[uU]/.test(code)) return String.fromCodePoint(parseInt(code.slice(1), 16));
  throw new Error(`decodeJsonDocument: unknown escape \\${code}`);
}
