// A Terraform template written as a file beside the stack's configuration (cdktf.out/stacks/<stack>/templates/),
// rendered by templatefile() at plan time. Boot configurations travel this way instead of as long strings in
// the configuration: cdktf's HCL converter cannot write a multi-line string in a form Terraform reads back
// unchanged, and a reviewer reads the file as the machine will.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { Construct } from "constructs";
import { Fn, type ISynthesisSession, TerraformStack } from "cdktf";
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import type { BootTemplate } from "./boot-config";

export interface TemplateFileProps {
  /** The file's name, e.g. `cloud-config.yaml`; its directory follows the path of the construct that holds it. */
  readonly fileName: string;
  readonly template: BootTemplate;
}

export class TemplateFile extends Construct {
  /** Where the file is, relative to the stack's directory (where Terraform runs). */
  public readonly path: string;
  /** The rendered text, as Terraform's templatefile() of the file with the template's variables. */
  public readonly rendered: string;
  /** The file's text and the variables Terraform fills in. */
  public readonly template: BootTemplate;

  constructor(scope: Construct, id: string, props: TemplateFileProps) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    const segments = this.node.scopes.slice(this.node.scopes.indexOf(stack) + 1, -1).map((s) => s.node.id);
    this.path = posix.join("templates", ...segments, props.fileName);
    this.template = props.template;
    this.rendered = Fn.templatefile(this.path, props.template.vars);
    addCustomSynthesis(this, {
      onSynthesize: (session: ISynthesisSession) => {
        const stackDir = dirname(join(session.outdir, session.manifest.forStack(stack).synthesizedStackPath));
        const file = join(stackDir, this.path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, props.template.text);
      },
    });
  }
}

/**
 * A template file's text with each `${name}` variable replaced by what fills it in (for reading: an expression
 * such as `${aws_ebs_volume.x.id}`); the escape `$${` and unknown names are left as they are.
 */
export function showVariables(text: string, vars: Record<string, unknown>): string {
  return text.replace(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
