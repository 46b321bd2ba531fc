import { Container } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { goDuration } from "../../stacks/docker-stack";
import { type Synthesized, buildStacks, only, resourcesOf, synthesize } from "../helpers";

let stack: Synthesized;
let aws: Synthesized;
beforeAll(() => {
  const stacks = buildStacks();
  stack = synthesize(stacks.docker);
  aws = synthesize(stacks.aws);
});

test("the synthesized docker stack matches its snapshot", () => {
  expect(stack.json).toMatchSnapshot();
});

describe("the provider", () => {
  test("reaches the host from the aws stack through remote state: no module, no -target, no depends_on", () => {
    const [provider] = stack.json.provider.docker;
    const match = /^tcp:\/\/\$\{data\.terraform_remote_state\.([^.]+)\.outputs\.([^}]+)\}:2376$/.exec(provider.host);
    expect(match).not.toBeNull();
    const remote = stack.json.data!.terraform_remote_state[match![1]];
    expect(remote).toMatchObject({ backend: "local", config: { path: "../../../terraform-state/aws.tfstate" } });
    // The aws stack publishes exactly that output, from the readiness gate.
    expect(aws.json.output![match![2]].value).toMatch(/^\$\{terraform_data\.docker-host_api-ready_[^.]+\.output\["host"\]\}$/);
    expect(stack.text).not.toMatch(/"module"|depends_on|-target/);
  });

  test("always sets the CA, and reads the client certificate and key with file(), so no key is in the JSON", () => {
    const [provider] = stack.json.provider.docker;
    expect(provider).toMatchObject({
      ca_material: '${file("../../../certs/ca.pem")}',
      cert_material: '${file("../../../certs/cert.pem")}',
      key_material: '${file("../../../certs/key.pem")}',
    });
    expect(stack.text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY|cert_path/);
  });

  test("pins kreuzwerker/docker and keeps its own state next to the aws stack's", () => {
    expect(stack.json.terraform.required_providers.docker).toEqual({ source: "kreuzwerker/docker", version: "3.6.2" });
    expect(stack.json.terraform.backend).toEqual({ local: { path: "../../../terraform-state/docker.tfstate" } });
  });
});

describe("the four kinds of Docker resources", () => {
  test("an image, pinned and kept on the host", () => {
    expect(stack.text).toHaveResourceWithProperties(Image, { name: "elasticsearch:8.17.0", keep_locally: true });
  });

  test("a user-defined bridge network", () => {
    expect(stack.text).toHaveResourceWithProperties(Network, { name: "app", driver: "bridge" });
  });

  test("a volume for the container's data", () => {
    expect(stack.text).toHaveResourceWithProperties(Volume, { name: "elastic-data" });
  });

  test("a container as the seed ran it, with a restart policy, a healthcheck, a memory limit and log rotation", () => {
    expect(stack.text).toHaveResource(Container);
    const c = only(stack.json, "docker_container");
    expect(c).toMatchObject({
      name: "elastic",
      hostname: "elastic",
      must_run: true,
      restart: "unless-stopped",
      memory: 1536,
      log_driver: "json-file",
      log_opts: { "max-size": "10m", "max-file": "3" },
      image: expect.stringMatching(/^\$\{docker_image\.[^.]+\.image_id\}$/),
      networks_advanced: [{ name: expect.stringMatching(/^\$\{docker_network\.network\.name\}$/) }],
      volumes: [{ volume_name: "${docker_volume.volume-elastic-data.name}", container_path: "/usr/share/elasticsearch/data" }],
    });
    expect(c.env).toEqual(expect.arrayContaining(["SERVICE=elastic", "PROJECT=stage", "ENVIRONMENT=operations"]));
    expect(c.healthcheck).toMatchObject({ test: ["CMD-SHELL", expect.stringContaining("9200")] });
  });

  test("in the form the provider reads a container back: durations as Go prints them, swap equal to memory", () => {
    const c = only(stack.json, "docker_container");
    expect(c.healthcheck).toMatchObject({ interval: "30s", timeout: "10s", start_period: "2m0s", retries: 3 });
    expect(c.memory_swap).toBe(c.memory);
  });
});

describe("containers are settings", () => {
  const healthcheck = { test: ["CMD", "wget", "-q", "-O-", "http://localhost/"] };

  test("adding one is a settings change; images are pulled once; volumes are shared by name", () => {
    const s = synthesize(
      buildStacks({
        docker: {
          containers: {
            web: { image: "nginx:1.27.3", healthcheck, ports: [{ internal: 80, external: 80 }], volumes: [{ name: "shared", containerPath: "/usr/share/nginx/html" }] },
            worker: { image: "nginx:1.27.3", healthcheck, env: { ROLE: "worker" }, volumes: [{ name: "shared", containerPath: "/data" }] },
          },
        },
      }).docker,
    );
    expect(Object.values(resourcesOf(s.json, "docker_container")).map((c) => c.name).sort()).toEqual(["elastic", "web", "worker"]);
    expect(Object.values(resourcesOf(s.json, "docker_image")).map((i) => i.name).sort()).toEqual(["elasticsearch:8.17.0", "nginx:1.27.3"]);
    expect(Object.values(resourcesOf(s.json, "docker_volume")).map((v) => v.name).sort()).toEqual(["elastic-data", "shared"]);
    const web = Object.values(resourcesOf(s.json, "docker_container")).find((c) => c.name === "web");
    expect(web).toMatchObject({ hostname: "web", ports: [{ internal: 80, external: 80 }], restart: "unless-stopped", memory: 512 });
  });

  test("names Terraform would read as one (web.1 and web1, my.data and mydata) stay two resources; plain names keep their addresses", () => {
    const s = synthesize(
      buildStacks({
        docker: {
          containers: {
            "web.1": { image: "nginx:1.27.3", healthcheck, volumes: [{ name: "my.data", containerPath: "/a" }] },
            web1: { image: "nginx:1.27.3", healthcheck, volumes: [{ name: "mydata", containerPath: "/b" }] },
          },
        },
      }).docker,
    );
    const containers = resourcesOf(s.json, "docker_container");
    expect(Object.values(containers).map((c) => c.name).sort()).toEqual(["elastic", "web.1", "web1"]);
    expect(containers["container-web1"].name).toBe("web1");
    expect(containers["container-elastic"].name).toBe("elastic");
    const volumes = resourcesOf(s.json, "docker_volume");
    expect(Object.values(volumes).map((v) => v.name).sort()).toEqual(["elastic-data", "my.data", "mydata"]);
    expect(volumes["volume-mydata"].name).toBe("mydata");
    // Each container mounts its own volume.
    const mounts = (name: string) => (Object.values(containers).find((c) => c.name === name).volumes as { volume_name: string }[]).map((v) => v.volume_name);
    expect(mounts("web.1")).not.toEqual(mounts("web1"));
  });

  test("null removes a default container", () => {
    const s = synthesize(
      buildStacks({ docker: { containers: { elastic: null, web: { image: "nginx:1.27.3", healthcheck } } } }).docker,
    );
    expect(Object.values(resourcesOf(s.json, "docker_container")).map((c) => c.name)).toEqual(["web"]);
    expect(resourcesOf(s.json, "docker_volume")).toEqual({});
  });
});

test.each([
  [0, "0s"],
  [30, "30s"],
  [59, "59s"],
  [60, "1m0s"],
  [90, "1m30s"],
  [120, "2m0s"],
  [3599, "59m59s"],
  [3600, "1h0m0s"],
  [3661, "1h1m1s"],
  [90061, "25h1m1s"],
])("goDuration(%i) is %s, as Go's time.Duration.String() writes it", (seconds, text) => {
  expect(goDuration(seconds)).toBe(text);
});
