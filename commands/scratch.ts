// Temporary directories a command removes however it ends: by its own `finally` when it returns or fails, and here
// when it is interrupted (Ctrl-C, SIGTERM, a closed terminal), where Node would otherwise end the process at once
// and leave them behind, with the throwaway keys and providers some of them hold.
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const live = new Set<string>();
/** Children started with spawnTracked that have not ended: each is waited for, or given the signal, before exit. */
const children = new Set<ChildProcess>();
/** The exit code of a process ended by each signal, as a shell reports it (128 + the signal's number). */
const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
let listening = false;
let stopping: Promise<never> | undefined;

/** How long an interrupted child has to end on its own, and then after the signal is passed on to it. */
const GRACE_MS = { own: 1000, passed: 10_000 };

/**
 * Ends the command for `signal`: the children first, then the directories. A child in Ctrl-C's process group has
 * the signal already, and a second one would make Terraform stop at once ("forcefully"), leaving its provider
 * plugins running; one that a `kill` of this process alone did not reach gets it passed on. Each is waited for, so
 * that Terraform stops its plugins before their working directory goes.
 */
async function stop(signal: NodeJS.Signals, code: number): Promise<never> {
  const ended = (child: ChildProcess) => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once("exit", () => done())));
  const within = (ms: number, waits: Promise<void>[]) => Promise.race([Promise.all(waits), new Promise((done) => setTimeout(done, ms).unref())]);
  await within(GRACE_MS.own, [...children].map(ended));
  const running = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
  for (const child of running) child.kill(signal);
  await within(GRACE_MS.passed, running.map(ended));
  exitRemovingAll(code);
}

/**
 * A new directory in the system's temporary directory, removed if the process is interrupted before
 * `removeScratch` removes it. While a child started with spawnSync runs, the removal waits for it to end (Ctrl-C
 * ends it too); a child started with spawnTracked is ended at once.
 */
export function scratchDirectory(prefix: string): string {
  // Listening before the directory exists: a Ctrl-C between the two would end the process and leave it behind.
  listen();
  return removedOnInterrupt(mkdtempSync(join(tmpdir(), prefix)));
}

/**
 * `dir`, a directory the caller made (a copy inside the project), removed as scratchDirectory's are if the process
 * is interrupted before `removeScratch` removes it.
 */
export function removedOnInterrupt(dir: string): string {
  listen();
  live.add(dir);
  return dir;
}

/** Handles the interrupting signals from now on, once: the handler removes the directories and ends the process. */
function listen(): void {
  if (listening) return;
  listening = true;
  for (const [signal, code] of Object.entries(SIGNALS)) {
    // A second Ctrl-C while the children end changes nothing: the first is being carried out.
    process.on(signal, () => void (stopping ??= stop(signal as NodeJS.Signals, code)));
  }
}

/**
 * After a spawnSync: when the child ended by Ctrl-C or SIGTERM (itself, or a shell running it, which exits with 128 +
 * the signal's number), the user interrupted the command too, though its own handler has not run yet: the child's
 * failure is not the command's to report. Removes the directories and exits as the signal would.
 */
export function exitIfInterrupted(result: { readonly status: number | null; readonly signal: NodeJS.Signals | null }): void {
  const code = result.signal ? SIGNALS[result.signal as keyof typeof SIGNALS] : Object.values(SIGNALS).find((c) => c === result.status);
  if (code === undefined) return;
  exitRemovingAll(code);
}

/** Removes every directory scratchDirectory made, then ends the process with `code`. */
function exitRemovingAll(code: number): never {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}

/** spawn, with the child ended by the signal that interrupts this process (scratchDirectory's handler). */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.on("close", () => children.delete(child));
  child.on("error", () => children.delete(child));
  return child;
}

/** Removes a directory scratchDirectory made. */
export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}
