// What a Flatcar host makes of a cloud-config, as far as the Docker API goes: coreos-cloudinit's write_files and
// units (exact keys only, as its yaml.v3 structs read them), then dockerd as Flatcar's docker.service starts it.
// The TLS test boots a real dockerd from this, so a setting Flatcar would ignore is ignored there too.
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { decodedContent } from "./coreos-cloudinit";

/**
 * Flatcar's docker.service (flatcar/scripts, the docker sysext): dockerd reads /etc/docker/daemon.json (no
 * --config-file) and takes its sockets from systemd (`--host=fd://`); DOCKER_OPTS comes only from drop-ins.
 */
export const FLATCAR_DOCKER_SERVICE = {
  environment: { DOCKER_SELINUX: "--selinux-enabled=true" } as Record<string, string>,
  execStart:
    "/usr/bin/dockerd --host=fd:// --containerd=/var/run/docker/libcontainerd/docker-containerd.sock $DOCKER_SELINUX $DOCKER_OPTS $DOCKER_CGROUPS $DOCKER_OPT_BIP $DOCKER_OPT_MTU $DOCKER_OPT_IPMASQ",
};

export interface FlatcarDockerd {
  /** dockerd's arguments as docker.service expands them (Flatcar's containerd socket left out). */
  readonly args: string[];
  /** The host's /etc/docker/daemon.json under `root`, if write_files wrote one. */
  readonly configFile?: string;
  /** TCP ports of the sockets that hand their connections to docker.service. */
  readonly tcpPorts: number[];
}

/** Applies `text` under `root` as coreos-cloudinit would, and returns how docker.service would start dockerd. */
export function applyAsFlatcar(text: string, root: string): FlatcarDockerd {
  const config = parse(text, { version: "1.2" }) ?? {};
  for (const file of config.write_files ?? []) {
    const target = join(root, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, decodedContent(file));
    chmodSync(target, Number.parseInt(file.permissions ?? "0644", 8));
  }
  const unitsDir = join(root, "etc", "systemd", "system");
  for (const unit of config.coreos?.units ?? []) {
    if (unit.content !== undefined) writeUnitFile(join(unitsDir, unit.name), unit.content);
    for (const dropIn of unit.drop_ins ?? []) writeUnitFile(join(unitsDir, `${unit.name}.d`, dropIn.name), dropIn.content);
  }
  if (existsSync(join(unitsDir, "docker.service"))) throw new Error("a replaced docker.service is not modelled here");

  const environment = { ...FLATCAR_DOCKER_SERVICE.environment };
  const dropIns = join(unitsDir, "docker.service.d");
  for (const name of existsSync(dropIns) ? readdirSync(dropIns).sort() : []) {
    for (const match of readFileSync(join(dropIns, name), "utf8").matchAll(/^Environment="([A-Z_]+)=(.*)"$/gm)) {
      environment[match[1]] = match[2];
    }
  }
  // systemd splits an unquoted $VAR into words, and drops it when it is empty.
  const args = FLATCAR_DOCKER_SERVICE.execStart
    .split(" ")
    .slice(1)
    .flatMap((word) => (word.startsWith("$") ? (environment[word.slice(1)] ?? "").split(/\s+/).filter(Boolean) : [word]))
    .filter((arg) => !arg.startsWith("--containerd="));

  const tcpPorts = (existsSync(unitsDir) ? readdirSync(unitsDir) : [])
    .filter((name) => name.endsWith(".socket"))
    .map((name) => readFileSync(join(unitsDir, name), "utf8"))
    .filter((socket) => /^Service=docker\.service$/m.test(socket))
    .flatMap((socket) => [...socket.matchAll(/^ListenStream=(\d+)$/gm)].map((m) => Number(m[1])));
  const daemonJson = join(root, "etc", "docker", "daemon.json");
  return { args, configFile: existsSync(daemonJson) ? daemonJson : undefined, tcpPorts };
}

function writeUnitFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
