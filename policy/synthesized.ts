// Reading what the stacks synthesize: the JSON documents of constructs/json-document.ts in either form (JSON text,
// or `${jsonencode(...)}` in HCL) and templatefile() calls, as data. The policy rules, `npm run review` and the
// tests read through it; it sits on the lowest floor, beside the rules, so nothing below the constructs imports them.

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
