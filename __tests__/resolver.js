// jest's resolver: imports of the bundled packages (__tests__/package-bundle.js) resolve to the bundle, everything
// else as jest resolves it. Before globalSetup has built the bundle (jest resolving its own configuration), none.
"use strict";
const { readFileSync } = require("node:fs");
const { manifestPath } = require("./package-bundle");

let shims;

function bundled() {
  if (shims) return shims;
  try {
    shims = JSON.parse(readFileSync(manifestPath(), "utf8")).ids;
    return shims;
  } catch {
    return {};
  }
}

module.exports = (request, options) => {
  const map = bundled();
  return Object.prototype.hasOwnProperty.call(map, request) ? map[request] : options.defaultResolver(request, options);
};
