import { Fn, Testing, TerraformOutput, TerraformStack } from "cdktf";
import { renderBootConfig } from "../../constructs/boot-config";
import { literal } from "../../constructs/literal";

test("Terraform sees shell interpolation as literal text", () => {
  expect(literal('echo "${HOME}" %{ if }')).toBe('echo "$${HOME}" %%{ if }');
});

test("token values stay Terraform expressions while the text around them is escaped", () => {
  const stack = new TerraformStack(Testing.app(), "t");
  const rendered = renderBootConfig("ecs-data-volume.sh", {
    volume_id: Fn.upper("vol-1"),
    device: "/dev/xvdh",
    mount_point: "/data",
    attribute: "data-volume",
    data_volume_script: 'for c in "${candidates[@]}"; do :; done',
  });
  new TerraformOutput(stack, "script", { value: rendered });
  const script: string = JSON.parse(Testing.synth(stack)).output.script.value;
  expect(script).toContain('ExecStart=/usr/local/sbin/data-volume.sh ${upper("vol-1")} /dev/xvdh /data\n');
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
