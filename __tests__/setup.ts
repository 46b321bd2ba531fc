import "cdktf/lib/testing/adapters/jest"; // the matchers' type declarations
import { Testing } from "cdktf";
import { leanTokenTraces } from "../constructs/token-traces";

// cdktf's matchers: toHaveResource, toHaveResourceWithProperties, toHaveDataSourceWithProperties, ...
Testing.setupJest();

// Tokens' creation stacks unformatted, as in a synth: cdktf captures one for every token it makes, and jest formats
// each through source maps, which made building the stacks five times slower (1.6 s, 0.3 s without). Errors keep
// their traces.
leanTokenTraces();
