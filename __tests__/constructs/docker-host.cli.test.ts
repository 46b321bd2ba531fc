// The Docker host's boot configuration as real Terraform renders it: templatefile() of the synthesized template,
// with certificates and a volume ID filled in, gives what the construct renders, and coreos-cloudinit's rules pass.
import { dockerHostCloudConfig } from "../../constructs/docker-host";
import { cloudConfigProblems } from "../contracts/coreos-cloudinit";
import { buildStacks, evaluateWithTerraform, synthesize, terraformAvailable } from "../helpers";

const b64 = (text: string) => Buffer.from(text).toString("base64");

(terraformAvailable() ? test : test.skip)("what Terraform renders from the synthesized template file, certificates and volume ID filled in, passes too", () => {
  const path = "templates/docker-host/cloud-config.yaml";
  const template = synthesize(buildStacks().aws).templates[path];
  const rendered = evaluateWithTerraform(
    `templatefile("${path}", { ca_pem = "${b64("CA\n")}", server_pem = "${b64("SERVER\n")}", server_key_pem = "${b64("KEY\n")}", volume_id = "vol-0123456789abcdef0" })`,
    { [path]: template },
  ) as string;
  const expected = dockerHostCloudConfig(
    {
      caPem: b64("CA\n"),
      serverPem: b64("SERVER\n"),
      serverKeyPem: b64("KEY\n"),
      apiPort: 2376,
      dataVolume: { volumeId: "vol-0123456789abcdef0", device: "/dev/xvdf" },
      updates: { reboots: "window", windowStart: "Sun 04:00", windowLength: "1h" },
    },
    "plain",
  );
  expect(rendered).toBe(expected);
  expect(cloudConfigProblems(rendered)).toEqual([]);
});
