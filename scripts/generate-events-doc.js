// Writes docs/events.md from the event contracts: builds packages/contracts, then renders it with
// renderEventsDoc() so the document is exactly what the schemas say (a unit test checks it is current).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-b', 'packages/contracts'], {
  cwd: root,
  stdio: 'inherit',
});
const { renderEventsDoc } = require(path.join(root, 'packages/contracts/dist/index.js'));

const target = path.join(root, 'docs/events.md');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, renderEventsDoc());
console.log(`wrote ${path.relative(root, target)}`);
