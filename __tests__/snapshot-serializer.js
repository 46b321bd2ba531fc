// Snapshots of synthesized stacks with their long strings readable: a boot script or cloud-config as its lines,
// a JSON document (container definitions, policies: jsonencode() of an object, or JSON text) as indented JSON.
// A change to one line of a boot script is then one line of snapshot diff, not a 3,000-character line.
const { decodeJsonDocument, isJsonDocument } = require("../policy/synthesized");

const MIN_LENGTH = 80;

/** A synthesized jsonDocument(), decoded. */
function encoded(value) {
  if (!isJsonDocument(value)) return undefined;
  try {
    return decodeJsonDocument(value);
  } catch {
    return undefined;
  }
}

/** The string parsed as a JSON object or list, when it is one and long enough to be worth unfolding. */
function json(value) {
  if (value.length < MIN_LENGTH || !/^[[{]/.test(value)) return undefined;
  try {
    const parsed = JSON.parse(value);
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A Terraform call on one string literal, `${fn("…")}` (a launch template's boot script): the function and the text. */
function call(value) {
  const match = /^\$\{([a-z0-9_]+)\("((?:[^"\\]|\\.)*)"\)\}$/.exec(value);
  if (!match || !match[2].includes("\\n")) return undefined;
  try {
    return { fn: match[1], text: JSON.parse(`"${match[2]}"`) };
  } catch {
    return undefined;
  }
}

function block(kind, lines, inner, indentation) {
  return `${kind} """\n${lines.map((line) => (line ? inner + line : "")).join("\n")}\n${indentation}"""`;
}

module.exports = {
  test: (value) =>
    typeof value === "string" && (value.includes("\n") || json(value) !== undefined || call(value) !== undefined || encoded(value) !== undefined),
  serialize: (value, config, indentation) => {
    const inner = indentation + config.indent;
    const document = encoded(value);
    if (document !== undefined) return `\${jsonencode(${block("JSON", JSON.stringify(document, null, 2).split("\n"), inner, indentation)})}`;
    const wrapped = call(value);
    if (wrapped) return `\${${wrapped.fn}(${block("Text", wrapped.text.split("\n"), inner, indentation)})}`;
    const parsed = json(value);
    if (parsed !== undefined) return block("JSON", JSON.stringify(parsed, null, 2).split("\n"), inner, indentation);
    return block("Text", value.split("\n"), inner, indentation);
  },
};
