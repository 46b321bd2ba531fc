// Values in the HCL that `cdktf synth --hcl` writes. cdktf's converter writes a value that is one reference or call as a
// string that holds only that interpolation (`vpc_id = "${aws_vpc.x.id}"`). Terraform reads it as the value itself,
// unconverted, but `terraform fmt` rewrites every such string bare (`vpc_id = aws_vpc.x.id`), so a `terraform fmt
// -check` in the CI of a repository that left cdktf failed on some 120 lines of the aws stack. unwrapInterpolations()
// writes them bare in the stacks' HCL before it is written, as `terraform fmt` does: an argument's whole value only
// (`name = "${...}"`, the line ending there), never a list's item or an object's key, which fmt leaves as they are. It
// reads the text as HCL's scanner does (strings with their escapes and nested interpolations, heredocs, comments);
// a text it cannot read to its end is left as the converter wrote it, and the stack warns that it was.
import { AnnotationMetadataEntryType, type ISynthesisSession, type TerraformStack } from "cdktf";

/** Where the quoted template starting at `start` (a `"`) ends (the index after its closing quote), and whether it is
 * one interpolation alone (`"${...}"`, no strip markers), with that interpolation's expression; undefined when it
 * cannot be read to its end. */
function readString(text: string, start: number): { end: number; sole?: string } | undefined {
  let i = start + 1;
  if (text.startsWith("${", i) && text[i + 2] !== "~") {
    const end = readExpression(text, i + 2);
    if (end === undefined) return undefined;
    if (text[end] === '"' && text[end - 2] !== "~") return { end: end + 1, sole: text.slice(i + 2, end - 1) };
    i = end;
  }
  while (i < text.length) {
    const c = text[i];
    if (c === "\n") return undefined;
    if (c === '"') return { end: i + 1 };
    if (c === "\\") {
      i += 2;
      continue;
    }
    const end = afterSequence(text, i, false);
    if (end === undefined) return undefined;
    i = end > i ? end : i + 1;
  }
  return undefined;
}

/**
 * Where the template sequence at `i` ends: after `$${` or `%%{` (the literal text `${` and `%{`), or after the `}`
 * that closes an interpolation or directive; `i` when none starts there; undefined when it cannot be read.
 */
function afterSequence(text: string, i: number, multiline: boolean): number | undefined {
  const c = text[i];
  if (c !== "$" && c !== "%") return i;
  if (text[i + 1] === c && text[i + 2] === "{") return i + 3;
  return text[i + 1] === "{" ? readExpression(text, i + 2, multiline) : i;
}

/**
 * The index after the `}` that closes the interpolation or directive whose expression starts at `start`. Within a
 * heredoc (`multiline`) the expression may span lines, as HCL reads it; within a quoted string it may not.
 */
function readExpression(text: string, start: number, multiline = false): number | undefined {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const string = readString(text, i);
      if (!string) return undefined;
      i = string.end;
      continue;
    }
    // A heredoc or a comment inside an interpolation: not written by the converter, and not worth reading here.
    if ((c === "\n" && !multiline) || c === "#" || (c === "<" && text[i + 1] === "<") || (c === "/" && (text[i + 1] === "/" || text[i + 1] === "*"))) {
      return undefined;
    }
    if (c === "{" || c === "(" || c === "[") depth += 1;
    else if (c === ")" || c === "]") depth -= 1;
    else if (c === "}") {
      if (depth === 0) return i + 1;
      depth -= 1;
    }
    i += 1;
  }
  return undefined;
}

/**
 * The index after the line that closes the heredoc whose `<<` is at `start`; undefined when that is unclear. HCL ends
 * a heredoc at the first line that holds only its delimiter between whitespace, outside the heredoc's
 * interpolations and directives, which may span lines.
 */
function readHeredoc(text: string, start: number): number | undefined {
  const opener = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(text.slice(start, start + 200));
  if (!opener) return undefined;
  const delimiter = opener[1];
  let i = start + opener[0].length;
  let lineStart = true;
  while (i < text.length) {
    if (lineStart) {
      lineStart = false;
      const eol = text.indexOf("\n", i);
      const line = text.slice(i, eol === -1 ? text.length : eol);
      const at = line.indexOf(delimiter);
      if (at !== -1) {
        const around = line.slice(0, at) + line.slice(at + delimiter.length);
        if (/^[ \t\r]*$/.test(around)) return eol === -1 ? text.length : eol + 1;
        // Whitespace HCL trims that this does not read as such (form feed, no-break space): unclear, so left alone.
        if (/^[\s\u0085]*$/.test(around)) return undefined;
      }
    }
    if (text[i] === "\n") {
      lineStart = true;
      i += 1;
      continue;
    }
    const end = afterSequence(text, i, true);
    if (end === undefined) return undefined;
    i = end > i ? end : i + 1;
  }
  return undefined;
}

/** The last character before `index` that is not a space or tab. */
function previous(text: string, index: number): string {
  let i = index - 1;
  while (i >= 0 && (text[i] === " " || text[i] === "\t")) i -= 1;
  return text[i] ?? "";
}

/** The first character from `index` on that is not a space or tab. */
function next(text: string, index: number): string {
  let i = index;
  while (i < text.length && (text[i] === " " || text[i] === "\t")) i += 1;
  return text[i] ?? "\n";
}

/** Whether the string from `start` to `end` is an argument's whole value (`name = "${...}"` on a line of its own). */
function isArgumentValue(text: string, start: number, end: number): boolean {
  const equals = text.lastIndexOf("=", start);
  // `==`, `!=`, `<=` and `>=` end in "=" too: a comparison is an expression of its own.
  return previous(text, start) === "=" && !"=!<>".includes(previous(text, equals)) && "\r\n".includes(next(text, end));
}

/** What readValuesBare() made of a text: the text to write, and where it stopped reading if it could not read it all. */
export interface BareValues {
  readonly hcl: string;
  /** The line (from 1) of the string or heredoc it could not read to its end; the text is then as it was given. */
  readonly unreadLine?: number;
}

/** `hcl` with every argument whose value is a string of one interpolation alone written as that expression. */
export function unwrapInterpolations(hcl: string): string {
  return readValuesBare(hcl).hcl;
}

/** unwrapInterpolations(), saying where it stopped when it left the text whole. */
export function readValuesBare(hcl: string): BareValues {
  const unread = (at: number): BareValues => ({ hcl, unreadLine: hcl.slice(0, at).split("\n").length });
  let out = "";
  let copied = 0;
  let i = 0;
  while (i < hcl.length) {
    const c = hcl[i];
    if (c === "#" || (c === "/" && hcl[i + 1] === "/")) {
      const end = hcl.indexOf("\n", i);
      i = end === -1 ? hcl.length : end;
    } else if (c === "/" && hcl[i + 1] === "*") {
      const end = hcl.indexOf("*/", i + 2);
      i = end === -1 ? hcl.length : end + 2;
    } else if (c === "<" && hcl[i + 1] === "<") {
      const end = readHeredoc(hcl, i);
      if (end === undefined) return unread(i);
      i = end;
    } else if (c === '"') {
      const string = readString(hcl, i);
      // A string the scanner cannot read to its end: leave the whole text as the converter wrote it.
      if (!string) return unread(i);
      const sole = string.sole?.trim();
      if (sole && isArgumentValue(hcl, i, string.end)) {
        out += hcl.slice(copied, i) + sole;
        copied = string.end;
      }
      i = string.end;
    } else {
      i += 1;
    }
  }
  return { hcl: out + hcl.slice(copied) };
}

/**
 * Has `stack` write its HCL with unwrapInterpolations(); its JSON is not touched. A text it leaves whole gets the
 * stack a warning, which `cdktf synth --hcl` and `npm run synth -- --hcl` print with the others: cdktf collects the
 * stack's annotations before it renders the HCL, so the warning goes into the manifest they are read from.
 */
export function writeValuesBare(stack: TerraformStack): void {
  let unreadLine: number | undefined;
  const toHcl = stack.toHclTerraform.bind(stack);
  stack.toHclTerraform = () => {
    const synthesized = toHcl();
    const bare = readValuesBare(synthesized.hcl);
    unreadLine = bare.unreadLine;
    return { ...synthesized, hcl: bare.hcl };
  };
  const synthesizer = stack.synthesizer;
  const synthesize = synthesizer.synthesize.bind(synthesizer);
  synthesizer.synthesize = (session: ISynthesisSession) => {
    unreadLine = undefined;
    synthesize(session);
    if (unreadLine === undefined) return;
    session.manifest.forStack(stack).annotations.push({
      constructPath: stack.node.path,
      level: AnnotationMetadataEntryType.WARN,
      message:
        `the stack's HCL is written as cdktf's converter wrote it, with values as strings of one interpolation ("\${...}"): ` +
        `its line ${unreadLine} could not be read to its end, so none were written bare. terraform fmt -check fails on ` +
        "it until terraform fmt has run once; please report the line.",
    });
  };
}
