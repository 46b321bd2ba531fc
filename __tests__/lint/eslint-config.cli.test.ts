import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../../settings/paths";

/** Lints `code` as if it were a file of the project, with the project's configuration. */
function lint(code: string): string {
  const result = spawnSync(process.execPath, [join(projectRoot, "node_modules", "eslint", "bin", "eslint.js"), "--stdin", "--stdin-filename", "constructs/probe.ts"], {
    cwd: projectRoot,
    input: code,
    encoding: "utf8",
  });
  return result.stdout;
}

test("provider package roots are refused, their modules are fine", () => {
  const output = lint(
    [
      'import { instance } from "@cdktf/provider-aws";',
      'import { container } from "@cdktf/provider-docker";',
      'import { Vpc } from "@cdktf/provider-aws/lib/vpc";',
      "export const used = [instance, container, new Vpc(undefined as never, \"v\", {})];",
    ].join("\n"),
  );
  expect(output).toMatch(/1:1 +error +'@cdktf\/provider-aws' import is restricted.*no-restricted-imports/);
  expect(output).toMatch(/2:1 +error +'@cdktf\/provider-docker' import is restricted/);
  expect(output).not.toMatch(/3:1/);
});
