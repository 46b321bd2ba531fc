// Preconditions and postconditions in the HCL that `cdktf synth --hcl` writes. cdktf's converter writes a
// `lifecycle` as plain arguments (`postcondition = [{ ... }]`), which Terraform refuses: a condition is a block.
// The converter writes a block wherever an attribute is marked as one, as cdktf marks provisioners; this aspect
// marks the conditions so. The JSON output, where a list of objects is a block, is not touched.
import type { IConstruct } from "constructs";
import { type IAspect, TerraformDataSource, TerraformResource } from "cdktf";

const CONDITIONS = ["precondition", "postcondition"] as const;

export class HclConditionBlocks implements IAspect {
  visit(node: IConstruct): void {
    // Visiting twice only wraps twice: a marked lifecycle has no condition keys left to mark.
    if (!(node instanceof TerraformResource || node instanceof TerraformDataSource)) return;
    const element = node as TerraformResource;
    const toHcl = element.toHclTerraform.bind(element);
    element.toHclTerraform = () => {
      const hcl = toHcl();
      for (const byType of Object.values({ ...(hcl.resource ?? {}), ...(hcl.data ?? {}) }) as Record<string, any>[]) {
        for (const attributes of Object.values(byType)) {
          const lifecycle = attributes.lifecycle;
          if (!lifecycle || !CONDITIONS.some((c) => c in lifecycle)) continue;
          const value = { ...lifecycle };
          for (const c of CONDITIONS) {
            if (value[c]) value[c] = { value: value[c], isBlock: true, type: "list", storageClassType: "object" };
          }
          attributes.lifecycle = { value, isBlock: true };
        }
      }
      return hcl;
    };
  }
}
