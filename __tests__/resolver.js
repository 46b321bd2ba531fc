// jest's resolver: imports of the bundled packages (__tests__/package-bundle.js) resolve to the bundle, everything
// else as jest resolves it. Before globalSetup has built the bundle (jest resolving its own configuration), none. A
// run of one file resolves in that same process, so the manifest is read again whenever globalSetup has replaced it
// (a new bundle, after an install, a new import or a new recipe), never kept from before.
"use strict";
const { readFileSync, statSync } = require("node:fs");
const { manifestPath } = require("./package-bundle");

let cached = { version: undefined, shims: {} };

function bundled() {
  let version;
  try {
    // Written through a rename: a new manifest is a new file.
    const { ino, mtimeMs } = statSync(manifestPath());
    version = `${ino}:${mtimeMs}`;
  } catch {
    return {};
  }
  if (cached.version !== version) {
    try {
      cached = { version, shims: JSON.parse(readFileSync(manifestPath(), "utf8")).ids };
    } catch {
      return {};
    }
  }
  return cached.shims;
}

module.exports = (request, options) => {
  const map = bundled();
  return Object.prototype.hasOwnProperty.call(map, request) ? map[request] : options.defaultResolver(request, options);
};
