// cdktf's own resolve(), put back for a while: what constructs/token-resolution.ts is compared with.
import { type resolve } from "../../constructs/token-resolution";
import cdktfResolveModule = require("cdktf/lib/tokens/private/resolve");

/** Runs `fn` with cdktf resolving tokens its own way. */
export function withCdktfOwn<T>(fn: () => T): T {
  const module = cdktfResolveModule as { resolve: typeof resolve; [key: symbol]: typeof resolve };
  const installed = module.resolve;
  module.resolve = module[Symbol.for("soa-platform: cdktf's own resolve()")];
  try {
    return fn();
  } finally {
    module.resolve = installed;
  }
}
