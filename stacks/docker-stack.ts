import { createHash } from "node:crypto";
import { type Construct } from "constructs";
import { Fn, TerraformStack } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { certPathsFromStack } from "../constructs/docker-tls";
import { literal } from "../constructs/literal";
import { own } from "../settings/json-file";
import type { AppSettings } from "../settings/load";
import { configureBackend } from "./backend";

export interface DockerStackProps {
  readonly settings: AppSettings;
  /** The project directory as seen from the stack's synthesized directory (state, client certificate). */
  readonly projectDir: string;
  /** That directory, absolute: where the stacks' local state is (beside an output directory outside the project). @default the project */
  readonly projectPath?: string;
  /** Host name of the Docker API: a token from the AwsStack, which cdktf passes through remote state. */
  readonly host: string;
  readonly port: number;
}

/** The Docker side: images, a network, volumes and containers on the Docker host, over mutual TLS. */
export class DockerStack extends TerraformStack {
  public readonly network: Network;
  public readonly images: Record<string, Image>;
  public readonly volumes: Record<string, Volume>;
  public readonly containers: Record<string, Container>;

  constructor(scope: Construct, id: string, props: DockerStackProps) {
    super(scope, id);
    const s = props.settings;
    configureBackend(this, s, props.projectDir, props.projectPath);
    const certs = certPathsFromStack(props.projectDir, s.dockerHost.certsDir);
    new DockerProvider(this, "docker", {
      host: `tcp://${props.host}:${props.port}`,
      // Always set: without a CA the provider silently skips verifying the server.
      caMaterial: Fn.file(certs.ca),
      certMaterial: Fn.file(certs.clientCert),
      // Read by Terraform when it configures the provider: the key is in neither the JSON nor the state.
      keyMaterial: Fn.file(certs.clientKey),
    });

    const docker = s.docker;
    this.network = new Network(this, "network", { name: docker.network, driver: "bridge" });
    this.images = {};
    this.volumes = {};
    this.containers = {};
    const imageIds = constructIds(Object.values(docker.containers).map((c) => c.image), "image", (ref) => ref.replace(/[^A-Za-z0-9]+/g, "-"));
    const containerIds = constructIds(Object.keys(docker.containers), "container");
    const volumeIds = constructIds(Object.values(docker.containers).flatMap((c) => c.volumes.map((v) => v.name)), "volume");
    for (const [name, c] of Object.entries(docker.containers)) {
      const image = (this.images[c.image] = own(this.images, c.image) ?? new Image(this, imageIds.get(c.image)!, {
        name: c.image,
        // Destroying the stack leaves the image on the host; the next deploy does not pull it again.
        keepLocally: true,
      }));
      for (const v of c.volumes) {
        this.volumes[v.name] = own(this.volumes, v.name) ?? new Volume(this, volumeIds.get(v.name)!, { name: v.name });
      }
      this.containers[name] = new Container(this, containerIds.get(name)!, {
        name,
        hostname: c.hostname ?? name,
        image: image.imageId,
        // Values are the user's text, literal in Terraform.
        env: Object.entries(c.env).map(([key, value]) => literal(`${key}=${value}`)),
        mustRun: true,
        restart: c.restart,
        memory: c.memoryMb,
        // Equal to memory: no swap (as Elasticsearch advises). Left out, the daemon sets twice memory, which
        // the provider reads back as a change on every plan.
        memorySwap: c.memoryMb,
        healthcheck: {
          test: c.healthcheck.test.map(literal),
          interval: goDuration(c.healthcheck.intervalSeconds),
          timeout: goDuration(c.healthcheck.timeoutSeconds),
          retries: c.healthcheck.retries,
          startPeriod: goDuration(c.healthcheck.startPeriodSeconds),
        },
        logDriver: "json-file",
        logOpts: { "max-size": `${c.logMaxSizeMb}m`, "max-file": String(c.logMaxFiles) },
        networksAdvanced: [{ name: this.network.name }],
        volumes: c.volumes.map((v) => ({ volumeName: this.volumes[v.name].name, containerPath: literal(v.containerPath) })),
        // Written as the daemon stores and the provider reads them back (capabilities as CAP_…), so plans stay empty.
        readOnly: c.readOnlyRootFilesystem.enabled,
        tmpfs: c.tmpfs.length > 0 ? Object.fromEntries(c.tmpfs.map((t) => [t.containerPath, `rw,noexec,nosuid,nodev,size=${t.sizeMb}m`])) : undefined,
        // Nothing in the container gains privileges through setuid files; it keeps only the capabilities it names.
        securityOpts: ["no-new-privileges:true"],
        capabilities: { drop: ["ALL"], add: c.capabilities.length > 0 ? [...c.capabilities] : undefined },
        ports: c.ports.map((p) => ({ internal: p.internal, external: p.external })),
      });
    }
  }
}

/**
 * Whole seconds as Go's time.Duration.String() writes them (90 -> "1m30s", 3600 -> "1h0m0s"): the provider reads
 * a container's healthcheck back in that form, so any other spelling of the same time is a change on every plan.
 */
export function goDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`goDuration: expected whole seconds, got ${seconds}`);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

/**
 * A construct id for each distinct value, `<prefix>-<nameOf(value)>`. cdktf names a resource after its id without
 * the characters Terraform's names do not take (`.`), so two ids that differ only there (web.1 and web1) would be one
 * resource, the one written last; images name theirs by their letters and digits (library/app:1.0 and
 * library-app:1.0 alike). Where an id's name is taken, the id gets a hash of its value; ids that lose no character
 * claim theirs first, in sorted order, so they keep the ids they always had (a resource's address in the state).
 */
function constructIds(values: string[], prefix: string, nameOf: (value: string) => string = (value) => value): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const terraformName = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, "");
  const base = (value: string) => `${prefix}-${nameOf(value)}`;
  const whole = (value: string) => terraformName(base(value)) === base(value);
  const unique = [...new Set(values)].sort();
  for (const value of [...unique.filter(whole), ...unique.filter((v) => !whole(v))]) {
    const id = taken.has(terraformName(base(value))) ? `${base(value)}-${createHash("sha256").update(value).digest("hex").slice(0, 8)}` : base(value);
    taken.add(terraformName(id));
    ids.set(value, id);
  }
  return ids;
}
