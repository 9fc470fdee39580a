// Picks the newest release of an npm package that runs on this Node.js: reads
// `npm view PKG@>=0.0.0 version engines deprecated --json` on stdin and prints the highest
// version that is not a prerelease, not deprecated, and whose `engines.node` accepts
// `process.version` (no `engines.node` accepts any). Prints nothing when none qualifies.
//
//   npm view n8n@'>=0.0.0' version engines deprecated --json | node pick-version.js "$(command -v npm)"
//
// The range check is npm's own: the `semver` module npm ships with, found next to the npm
// executable given as the argument, so the answer is what npm itself would decide.
'use strict';
const fs = require('fs');
const path = require('path');

function loadSemver(npmExecutable) {
  try {
    const npmDir = path.join(path.dirname(fs.realpathSync(npmExecutable)), '..');
    return require(require.resolve('semver', { paths: [npmDir] }));
  } catch (e) {
    // Distribution packages of npm keep their dependencies in Node's global module path.
    return require('semver');
  }
}

const semver = loadSemver(process.argv[2] || '');
const text = fs.readFileSync(0, 'utf8').trim();
// One matching version gives an object, several an array.
const manifests = text ? [].concat(JSON.parse(text)) : [];
const runnable = manifests.filter((m) =>
  m && typeof m.version === 'string' && semver.valid(m.version) && !semver.prerelease(m.version) &&
  !m.deprecated &&
  (!m.engines || !m.engines.node ||
   semver.satisfies(process.version, m.engines.node, { includePrerelease: true })));
runnable.sort((a, b) => semver.rcompare(a.version, b.version));
if (runnable.length) console.log(runnable[0].version);
