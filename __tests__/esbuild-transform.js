// jest's transform: each TypeScript file to CommonJS with esbuild, as the app's own bundles are built. Types are
// checked once, for everything, by `npm run build` (tsc), so no test waits for a type checker; esbuild reads the
// compiler options that change emitted code (target, class fields, esModuleInterop) from tsconfig.json.
"use strict";
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const esbuild = require("esbuild");

const tsconfig = readFileSync(join(__dirname, "..", "tsconfig.json"), "utf8");

module.exports = {
  process(source, file) {
    const { code, map } = esbuild.transformSync(source, {
      loader: "ts",
      format: "cjs",
      target: "node20",
      sourcemap: true,
      sourcefile: file,
      tsconfigRaw: tsconfig,
    });
    return { code, map };
  },
  getCacheKey(source, file) {
    return createHash("sha256").update(esbuild.version).update(tsconfig).update(file).update(source).digest("hex");
  },
};
