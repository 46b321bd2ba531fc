// The Docker host's boot configuration rendered from placeholder certificates and a volume ID: shared by
// docker-host.test.ts (what coreos-cloudinit reads) and docker-host.cli.test.ts (what Terraform renders).
import { type DockerHostBoot, dockerHostCloudConfig } from "../../constructs/docker-host";

export const b64 = (text: string) => Buffer.from(text).toString("base64");
export const WINDOW = { reboots: "window", windowStart: "Sun 04:00", windowLength: "1h" } as const;

/** The cloud-config for placeholder PEMs ("CA", "SERVER", "KEY") and volume vol-0123456789abcdef0, with `over` applied. */
export const render = (over: Partial<DockerHostBoot> = {}) =>
  dockerHostCloudConfig(
    {
      caPem: b64("CA\n"),
      serverPem: b64("SERVER\n"),
      serverKeyPem: b64("KEY\n"),
      apiPort: 2376,
      dataVolume: { volumeId: "vol-0123456789abcdef0", device: "/dev/xvdf" },
      updates: WINDOW,
      ...over,
    },
    "plain",
  );
