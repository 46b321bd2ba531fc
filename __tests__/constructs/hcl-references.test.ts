// bareReferences() hands cdktf's HCL converter a list of references to write bare; anything else keeps its quotes.
// What the stacks' HCL holds is tested in hcl-exit.test.ts, with cdktf's HCL parser.
import type { IResolveContext } from "cdktf";
import { bareReferences } from "../../constructs/hcl-references";

describe("bareReferences", () => {
  const context = { resolve: (x: unknown) => x } as unknown as IResolveContext;

  test("writes one reference on its line, several one per line", () => {
    expect(bareReferences(["aws_iam_role.x"]).resolve(context)).toBe("[aws_iam_role.x]");
    expect(bareReferences(["data.aws_ami.flatcar", "aws_s3_bucket.logs-1"]).resolve(context)).toBe("[\ndata.aws_ami.flatcar,\naws_s3_bucket.logs-1,\n]");
  });

  test("leaves a list with anything but plain references (or a name that bare is a literal) to the converter, which quotes it", () => {
    for (const list of [['tags["Name"]'], ["ami", "a b"], ["${aws_x.y}"], ["1st.x"], [""], [], ["null"], ["ami", "true"], ["false"]]) {
      expect(bareReferences(list).resolve(context)).toEqual(list);
    }
  });
});
