// Runs before anything else in a test file (jest's setupFiles): the stacks are built and synthesized as the app
// command does it (main.ts). Token creation stacks are neither captured nor formatted from the first package
// loaded on (cdktf's module initialisation alone captures hundreds, which jest formats through source maps: 1 s
// over the suite), and cdktf resolves tokens with constructs/token-resolution.ts.
import { leanTokenTraces } from "../constructs/token-traces";
import { fastTokenResolution } from "../constructs/token-resolution";

leanTokenTraces();
fastTokenResolution();
