// Running a command as a user whom file permissions hold back. Root reads and searches everything whatever the
// mode says (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a test run as root (CI) starts the command without those
// two capabilities (setpriv, util-linux): still uid 0, owner of the test's files, but bound by their modes as any
// owner is. Run as another user, the command needs no change.
import { chmodSync } from "node:fs";

/** The program and arguments that run `command` with `args` bound by file modes. */
export function boundByModes(command: string, args: readonly string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, [...args]];
  return ["setpriv", ["--bounding-set=-dac_override,-dac_read_search", "--", command, ...args]];
}

/** Gives `path` mode `mode` while `action` runs, then `old`. */
export function withMode<T>(path: string, mode: number, old: number, action: () => T): T {
  chmodSync(path, mode);
  try {
    return action();
  } finally {
    chmodSync(path, old);
  }
}
