// The Docker host's boot configuration as real Terraform renders it: templatefile() of the synthesized template,
// with certificates and a volume ID filled in, gives what the construct renders, and coreos-cloudinit's rules pass.
import { cloudConfigProblems } from "../contracts/coreos-cloudinit";
import { buildStacks, evaluateWithTerraform, synthesize, terraformAvailable } from "../helpers";
import { b64, render } from "./docker-host-fixture";

(terraformAvailable() ? test : test.skip)("what Terraform renders from the synthesized template file, certificates and volume ID filled in, passes too", () => {
  const path = "templates/docker-host/cloud-config.yaml";
  const template = synthesize(buildStacks().aws).templates[path];
  const rendered = evaluateWithTerraform(
    `templatefile("${path}", { ca_pem = "${b64("CA\n")}", server_pem = "${b64("SERVER\n")}", server_key_pem = "${b64("KEY\n")}", volume_id = "vol-0123456789abcdef0" })`,
    { [path]: template },
  ) as string;
  expect(rendered).toBe(render());
  expect(cloudConfigProblems(rendered)).toEqual([]);
});
