// What runs on the Docker host: its containers, each pinned, hardened and checked as Docker would, and the network
// they share.
import { z } from "zod";
import { AWS_RULES, containerPathProblem } from "../aws-rules";
import { tmpfsPathProblem } from "../task-definitions";
import { dockerNameProblem, duplicateMounts, environmentProblem, healthcheckProblem, imageLengthProblem, runtimeMountProblem } from "../docker-rules";
import { checkedBy, port, requireReason } from "./common";

/** The ports of a Linux bridge, which numbers them from 1 (0 is reserved) to BR_MAX_PORTS - 1. */
const BRIDGE_PORTS = 1023;

const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?(@sha256:[a-f0-9]{64})?$/;

/** What Docker grants a container by default: the most one of ours may keep after dropping all capabilities. */
const DOCKER_DEFAULT_CAPABILITIES = [
  "CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_MKNOD",
  "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT",
] as const;

const container = z.strictObject({
  image: z
    .string()
    .regex(IMAGE, { error: "expected an image reference such as elasticsearch:8.17.0" })
    .refine((ref) => /@sha256:/.test(ref) || (/:[^/]+$/.test(ref) && !ref.endsWith(":latest")), {
      error: "expected an image pinned by a tag other than latest, or by a digest",
    })
    .superRefine(checkedBy(imageLengthProblem))
    .describe("Image, pinned by tag or digest; pulled once and kept on the host"),
  hostname: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { error: "expected a host name label" })
    .nullable()
    .default(null)
    .describe("Host name inside the container; null: the container's key"),
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, { error: "expected an environment variable name" }), z.string())
    .default({})
    .describe("Environment variables"),
  memoryMb: z.int().min(6).max(1048576).default(512).describe("Memory limit in MiB"),
  restart: z
    .enum(["no", "on-failure", "always", "unless-stopped"])
    .default("unless-stopped")
    .describe("Restart policy"),
  healthcheck: z
    .strictObject({
      test: z.array(z.string()).min(1).describe('Command, e.g. ["CMD-SHELL", "curl -f http://localhost/"]'),
      intervalSeconds: z.int().min(1).max(3600).default(30).describe("Time between checks"),
      timeoutSeconds: z.int().min(1).max(3600).default(10).describe("Time a check may take"),
      retries: z.int().min(1).max(100).default(3).describe("Failures before unhealthy"),
      startPeriodSeconds: z.int().min(0).max(3600).default(60).describe("Start-up time during which failures do not count"),
    })
    .describe("How Docker tells that the container works"),
  volumes: z
    .array(
      z.strictObject({
        name: z
          .string()
          .regex(/^[a-z0-9][a-z0-9_.-]*$/, { error: "expected a volume name" })
          .superRefine(checkedBy(dockerNameProblem))
          .describe("Docker volume, created once and kept"),
        containerPath: z
          .string()
          .regex(/^\/\S*$/, { error: "expected an absolute path" })
          .superRefine(checkedBy((path) => containerPathProblem(path) ?? runtimeMountProblem(path)))
          .describe("Where it is mounted in the container"),
      }),
    )
    .default([])
    .describe("Named volumes for the container's persistent data"),
  readOnlyRootFilesystem: z
    .strictObject({
      enabled: z
        .boolean()
        .default(true)
        .describe("Mount the container's root filesystem read-only: it writes only to its volumes and tmpfs mounts"),
      reason: z
        .string()
        .min(20)
        .max(500)
        .nullable()
        .default(null)
        .describe("Required when enabled is false: what the image writes outside its volumes and tmpfs mounts, and why it cannot be moved there (20 to 500 characters)"),
    })
    .prefault({})
    .superRefine(requireReason)
    .describe("A read-only root filesystem, as the ECS containers have (policy CKV_AWS_336)"),
  tmpfs: z
    .array(
      z.strictObject({
        containerPath: z
          .string()
          .regex(/^(\/[A-Za-z0-9._-]+)+$/, { error: "expected an absolute path of letters, digits, '.', '_' and '-', such as /tmp" })
          .superRefine(checkedBy((path) => tmpfsPathProblem(path) ?? runtimeMountProblem(path)))
          .describe("Directory the tmpfs is mounted on"),
        sizeMb: z.int().min(1).max(65536).describe("Most it holds, in MiB; counted against memoryMb"),
      }),
    )
    .default([{ containerPath: "/tmp", sizeMb: 64 }])
    .describe("Writable in-memory directories (rw, noexec, nosuid, nodev), emptied when the container stops"),
  capabilities: z
    .array(z.enum(DOCKER_DEFAULT_CAPABILITIES))
    .default([])
    .describe("Linux capabilities the container keeps, from Docker's default set; it drops every other one, and no-new-privileges keeps setuid files from granting more"),
  ports: z
    .array(
      z.strictObject({
        internal: port().describe("Container port"),
        external: z.literal([80, 443]).describe("Host port: 80 or 443, the only ones the host opens"),
      }),
    )
    .default([])
    .describe("Ports published on the host"),
  logMaxSizeMb: z.int().min(1).max(1024).default(10).describe("Size at which json-file logs rotate"),
  logMaxFiles: z.int().min(1).max(100).default(3).describe("Rotated log files kept"),
}).superRefine((c, ctx) => {
  // Docker refuses two mounts on one path ("Duplicate mount point"), volumes and tmpfs alike.
  const mounts = [...c.volumes.map((_, i) => ["volumes", i] as const), ...c.tmpfs.map((_, i) => ["tmpfs", i] as const)];
  const paths = [...c.volumes, ...c.tmpfs].map((m) => m.containerPath);
  for (const [i, first] of duplicateMounts(paths)) {
    const [kind, index] = mounts[first];
    ctx.addIssue({ code: "custom", path: [...mounts[i], "containerPath"], message: `expected a path not already mounted by ${kind}[${index}]: Docker refuses a duplicate mount point` });
  }
  const health = healthcheckProblem(c.healthcheck.test);
  if (health) ctx.addIssue({ code: "custom", path: ["healthcheck", "test", ...(health.index === undefined ? [] : [health.index])], message: health.message });
  for (const [name, value] of Object.entries(c.env)) {
    const problem = environmentProblem(name, value);
    if (problem) ctx.addIssue({ code: "custom", path: ["env", name], message: problem });
  }
  const tmpfsMb = c.tmpfs.reduce((sum, t) => sum + t.sizeMb, 0);
  if (c.tmpfs.length > 0 && tmpfsMb >= c.memoryMb) {
    ctx.addIssue({ code: "custom", path: ["tmpfs"], message: `expected tmpfs sizes (${tmpfsMb} MiB in all) below memoryMb (${c.memoryMb}): their contents are the container's memory` });
  }
});

export const DEFAULT_CONTAINERS = {
  elastic: {
    // The seed ran t0t0/docker-alpine-elasticsearch:latest, unmaintained since 2016; the official image, pinned.
    image: "elasticsearch:8.17.0",
    hostname: "elastic",
    env: {
      SERVICE: "elastic",
      PROJECT: "stage",
      ENVIRONMENT: "operations",
      "discovery.type": "single-node",
      ES_JAVA_OPTS: "-Xms512m -Xmx512m",
    },
    memoryMb: 1536,
    healthcheck: {
      // Any HTTP answer counts: with security on by default, Elasticsearch answers 401 without credentials.
      test: ["CMD-SHELL", "curl -sk -o /dev/null https://localhost:9200/ || exit 1"],
      startPeriodSeconds: 120,
    },
    volumes: [{ name: "elastic-data", containerPath: "/usr/share/elasticsearch/data" }],
    // Elasticsearch writes its data (the volume), gc logs under logs/, native libraries it then loads from its temp
    // directory under /tmp (so no noexec tmpfs there), and config/: below. It runs as uid 1000 and needs no
    // capability, so it keeps none.
    readOnlyRootFilesystem: {
      enabled: false,
      reason:
        "Elasticsearch writes to its config directory: it rewrites config/elasticsearch.keystore at every start, its first start writes TLS certificates and security settings there, and elasticsearch-reset-password adds a user file there. A volume over config/ would keep an old image's configuration across upgrades.",
    },
    tmpfs: [],
  },
};

export const docker = z
  .strictObject({
    network: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, { error: "expected a network name" })
      .refine((name) => !["bridge", "host", "none"].includes(name), {
        error: "expected a network of our own: bridge, host and none are the Docker daemon's",
      })
      .default("app")
      .describe("User-defined bridge network that every container joins"),
    containers: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, { error: "expected a container name" }).superRefine(checkedBy(dockerNameProblem)), container)
      .prefault(DEFAULT_CONTAINERS as never)
      .describe("Containers on the Docker host, by name; a null entry in INFRA_CONFIG removes a default one"),
  })
  .prefault({})
  .superRefine((d, ctx) => {
    const count = Object.keys(d.containers).length;
    if (count > BRIDGE_PORTS) {
      ctx.addIssue({ code: "custom", path: ["containers"], message: `expected at most ${BRIDGE_PORTS} containers, not ${count}: ${AWS_RULES.bridgePorts.rule}` });
    }
    const published = new Map<number, string>();
    for (const [name, c] of Object.entries(d.containers)) {
      c.ports.forEach((p, i) => {
        const other = published.get(p.external);
        if (other) {
          ctx.addIssue({
            code: "custom",
            path: ["containers", name, "ports", i, "external"],
            message: `expected a host port not already published by ${other}`,
          });
        }
        published.set(p.external, name);
      });
    }
  })
  .describe("What the DockerStack runs on the Docker host");
