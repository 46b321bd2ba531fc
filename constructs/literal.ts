// Text from settings and task definitions must reach Terraform as the user wrote it, in both outputs: the JSON
// configuration, and the HCL that `cdktf synth --hcl` converts it to. Terraform reads `${` and `%{` in every
// string as template syntax; `$${` and `%%{` are their literal forms. The HCL converter quotes a string as it
// is, escaping no backslash, and no quote at all once the string holds `${`; where it cannot tell a string's
// type it also writes text that starts like a list, an object or a quote, or reads as an integer, bare. Such
// text therefore goes as a quoted HCL string inside an interpolation, `${"..."}`, which both outputs read the
// same way. (cdktf token markers in input are refused when it is loaded.)

/** `text` as a Terraform string literal: `${file("x")}` stays those characters, never a file read. */
export function literal(text: string): string {
  return needsQuoting(text) ? `\${"${hclStringContent(text)}"}` : escapeTemplateSyntax(text);
}

/**
 * `text` as the inside of a quoted HCL string: template syntax, backslashes, quotes and control characters
 * escaped. `cdktfEscapes`: leave newlines and `${` to cdktf, which escapes those two in the strings of an
 * expression it writes (and only those).
 */
export function hclStringContent(text: string, cdktfEscapes = false): string {
  const escaped = (cdktfEscapes ? text.replace(/%\{/g, () => "%%{") : escapeTemplateSyntax(text)).replace(/[\\"]/g, (c) => `\\${c}`);
  const control = cdktfEscapes ? /[\u0000-\u0009\u000b-\u001f\u007f]/g : /[\u0000-\u001f\u007f]/g;
  return escaped.replace(control, (c) => CONTROL[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function needsQuoting(text: string): boolean {
  return /["\\\u0000-\u001f\u007f]/.test(text) || /^[[{"]/.test(text) || String(parseInt(text, 10)) === text;
}

const CONTROL: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * `text` inside a Terraform template file: `${` and `%{` escaped, and a carriage return not followed by a line
 * feed written as an interpolation, since HCL's template scanner stops reading interpolations after one.
 */
export function templateText(text: string): string {
  return escapeTemplateSyntax(text).replace(/\r(?!\n)/g, () => '${"\\r"}');
}

function escapeTemplateSyntax(text: string): string {
  // Replacer functions: in a replacement string "$$" would collapse to "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/**
 * The text a whole `${"..."}` that literal() wrote stands for, or undefined for any other string: what Terraform
 * reads it as, for a reviewer to compare line by line.
 */
export function literalText(value: string): string | undefined {
  const quoted = /^\$\{"((?:[^"\\]|\\.)*)"\}$/s.exec(value);
  if (!quoted) return undefined;
  const escapes: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };
  return quoted[1]
    .replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => (e.length === 5 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (escapes[e] ?? `\\${e}`)))
    .replace(/\$\$\{/g, () => "${")
    .replace(/%%\{/g, () => "%{");
}
