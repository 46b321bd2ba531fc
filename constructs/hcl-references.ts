// References in the HCL that `cdktf synth --hcl` writes. cdktf's converter quotes the references of `depends_on` and
// of a lifecycle's `ignore_changes` (`depends_on = ["aws_iam_role.x"]`): Terraform reads a quoted reference with the
// warning "Quoted references are deprecated ... will be removed in a future version of Terraform", one per list
// (33 for the built-in settings' aws stack), so the exit to plain Terraform would stop working with that version.
// The converter writes a string that starts with "[" as it is; this aspect hands it each such list as that string,
// once its references are resolved, so it reads `depends_on = [aws_iam_role.x]`. A list holding anything but plain
// references (names joined by dots) keeps the converter's quotes. The JSON output, where a reference is a string,
// is not touched.
import type { IConstruct } from "constructs";
import type { IAspect, IResolvable, IResolveContext } from "cdktf";
import { editHclAttributes } from "./hcl-conditions";

/** What Terraform reads bare as a reference here: identifiers (letters, digits, `_`, `-`) joined by dots. */
const REFERENCE = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;
/** Bare, these are HCL's literals, not names: an attribute so named keeps its quotes. */
const KEYWORDS = new Set(["null", "true", "false"]);

/** `items` (a list that may hold tokens) written as an HCL list of bare references, when each item is one. */
export function bareReferences(items: unknown): IResolvable {
  return {
    creationStack: [],
    resolve(context: IResolveContext): unknown {
      const resolved: unknown = context.resolve(items);
      const plain = Array.isArray(resolved) && resolved.length > 0 && resolved.every((r) => typeof r === "string" && REFERENCE.test(r) && !KEYWORDS.has(r));
      if (!plain) return resolved;
      // One per line, as the converter writes a list; the formatter indents them.
      return resolved.length === 1 ? `[${resolved[0]}]` : `[\n${resolved.map((r) => `${r},`).join("\n")}\n]`;
    },
    toString: () => "[references]",
  };
}

export class HclBareReferences implements IAspect {
  visit(node: IConstruct): void {
    // Visiting twice only wraps twice: a list already handed over is no longer an array.
    editHclAttributes(node, (attributes) => {
      if (Array.isArray(attributes.depends_on)) attributes.depends_on = bareReferences(attributes.depends_on);
      // A lifecycle is an object of arguments, or one the conditions' aspect marked as a block ({ value, isBlock }).
      const lifecycle = attributes.lifecycle?.isBlock ? attributes.lifecycle.value : attributes.lifecycle;
      if (Array.isArray(lifecycle?.ignore_changes)) lifecycle.ignore_changes = bareReferences(lifecycle.ignore_changes);
    });
  }
}
