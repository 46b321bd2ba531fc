// Preconditions and postconditions in the HCL that `cdktf synth --hcl` writes. cdktf's converter writes a
// `lifecycle` as plain arguments (`postcondition = [{ ... }]`), which Terraform refuses: a condition is a block.
// The converter writes a block wherever an attribute is marked as one, as cdktf marks provisioners; this aspect
// marks the conditions so. The JSON output, where a list of objects is a block, is not touched.
import type { IConstruct } from "constructs";
import { type IAspect, TerraformDataSource, TerraformResource } from "cdktf";

const CONDITIONS = ["precondition", "postcondition"] as const;

/**
 * Has `edit` change the attributes of each resource or data source block that `node` (when it is one) hands the
 * HCL converter, every time they are made.
 */
export function editHclAttributes(node: IConstruct, edit: (attributes: Record<string, any>) => void): void {
  if (!(node instanceof TerraformResource || node instanceof TerraformDataSource)) return;
  const element = node as TerraformResource;
  const toHcl = element.toHclTerraform.bind(element);
  element.toHclTerraform = () => {
    const hcl = toHcl();
    for (const byType of Object.values({ ...(hcl.resource ?? {}), ...(hcl.data ?? {}) }) as Record<string, any>[]) {
      for (const attributes of Object.values(byType)) edit(attributes);
    }
    return hcl;
  };
}

export class HclConditionBlocks implements IAspect {
  visit(node: IConstruct): void {
    // Visiting twice only wraps twice: a marked lifecycle has no condition keys left to mark.
    editHclAttributes(node, (attributes) => {
      const lifecycle = attributes.lifecycle;
      if (!lifecycle || !CONDITIONS.some((c) => c in lifecycle)) return;
      const value = { ...lifecycle };
      for (const c of CONDITIONS) {
        if (value[c]) value[c] = { value: value[c], isBlock: true, type: "list", storageClassType: "object" };
      }
      attributes.lifecycle = { value, isBlock: true };
    });
  }
}
