// Runs before anything else in a test file (jest's setupFiles): token creation stacks are neither captured nor
// formatted from the first package loaded on, as in a synth. cdktf's module initialisation alone captures
// hundreds, which jest formats through source maps (1 s over the suite).
import { leanTokenTraces } from "../constructs/token-traces";

leanTokenTraces();
