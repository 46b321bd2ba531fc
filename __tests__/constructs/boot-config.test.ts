import { DefaultTokenResolver, Fn, StringConcat, Testing, TerraformStack, Tokenization } from "cdktf";
import { renderBootConfig } from "../../constructs/boot-config";
import { literal, templateText } from "../../constructs/literal";

test("Terraform sees shell interpolation as literal text", () => {
  expect(templateText('echo "${HOME}" %{ if }')).toBe('echo "$${HOME}" %%{ if }');
  expect(literal("echo ${HOME} %{ if }")).toBe("echo $${HOME} %%{ if }");
  // Quotes go inside an interpolation, where both outputs read them the same way.
  expect(literal('echo "${HOME}"')).toBe('${"echo \\"$${HOME}\\""}');
});

test("token values become template variables while the text around them is escaped", () => {
  const stack = new TerraformStack(Testing.app(), "t");
  const { text: script, vars } = renderBootConfig("ecs-data-volume.sh", {
    volume_id: Fn.upper("vol-1"),
    device: "/dev/xvdh",
    mount_point: "/data",
    attribute: "data-volume",
    data_volume_script: 'for c in "${candidates[@]}"; do :; done',
  });
  const resolver = new DefaultTokenResolver(new StringConcat());
  expect(Tokenization.resolve(vars, { scope: stack, preparing: false, resolver })).toEqual({ volume_id: '${upper("vol-1")}' });
  expect(script).toContain("ExecStart=/usr/local/sbin/data-volume.sh ${volume_id} /dev/xvdh /data\n");
  expect(script).toContain('"$${candidates[@]}"');
  expect(script).not.toMatch(/[^$]\$\{candidates/);
});

test("the plain rendering is the script as it runs", () => {
  const script = renderBootConfig("ecs-container-instance.sh", { cluster_name: "berlin" }, "plain");
  expect(script).toContain("ECS_CLUSTER=berlin\n");
  expect(script).not.toContain("{{");
});

test("a missing value or a value without a placeholder is an error, not a silent gap", () => {
  expect(() => renderBootConfig("ecs-container-instance.sh", {})).toThrow(/no value for \{\{cluster_name\}\}/);
  expect(() => renderBootConfig("ecs-container-instance.sh", { cluster_name: "a", extra: "b" })).toThrow(
    /no placeholder for extra/,
  );
});
