// cdktf's own HCL parser, for the tests that read HCL back: @cdktf/hcl2json, HashiCorp's HCL library compiled from Go
// to WebAssembly. Required untyped: its declarations reference the DOM library, which would retype webcrypto for the
// whole program.
//
// Go's scheduler, run by the package's wasm_exec.js, keeps a Node timer pending for a second or more after the last
// parse (a script that parses once stays up 0.5 – 1.7 s after it), which keeps a jest worker whose last file parsed
// from exiting when asked (jest then kills it, with a warning). afterAll() below lets the file's Go timers stop
// holding the process open once its tests are done; until then they are as Go made them.
interface GoRuntime {
  importObject: { go: Record<string, (sp: number) => void> };
  _scheduledTimeouts: Map<number, NodeJS.Timeout>;
  _nextCallbackTimeoutID: number;
}

// The runtime the package starts is `new globalThis.Go()`, which its first parse defines: defined here first, and
// wrapped so each runtime's timers can be let go.
require("@cdktf/hcl2json/wasm/bridge_wasm_exec.js");
const runtimes: GoRuntime[] = [];
let done = false;
const Go = (globalThis as any).Go as new () => GoRuntime;
(globalThis as any).Go = class extends Go {
  constructor() {
    super();
    runtimes.push(this);
    const schedule = this.importObject.go["runtime.scheduleTimeoutEvent"];
    this.importObject.go["runtime.scheduleTimeoutEvent"] = (sp) => {
      schedule(sp);
      if (done) this._scheduledTimeouts.get(this._nextCallbackTimeoutID - 1)?.unref();
    };
  }
};

afterAll(() => {
  done = true;
  for (const runtime of runtimes) for (const timeout of runtime._scheduledTimeouts.values()) timeout.unref();
});

export const { parse } = require("@cdktf/hcl2json") as { parse(name: string, hcl: string): Promise<any> };
