// Lets a spawned child process (a test fixture, a CLI under test) run this workspace's TypeScript
// sources without a build, the way jest does: `.ts` files compiled on load by @swc/core,
// `@runfleet/<name>` resolved to packages/<name>/src/index.ts, and Prisma's generated `./x.js`
// imports resolved to `./x.ts`. Use `node -r <this file>` or require it first.
// Hand-written because jest's moduleNameMapper does not reach child processes and
// @swc-node/register would resolve workspace packages to their (maybe stale) dist/.
// Compiled output is cached by file path and mtime so a hundred restarts stay fast.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '../..');
const cacheDir = path.join(os.tmpdir(), 'runfleet-swc-cache');
fs.mkdirSync(cacheDir, { recursive: true });

/** request → file, for a child that needs one module of a package rather than the whole package. */
const shortcuts = new Map();

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveWorkspace(request, parent, ...rest) {
  const workspace = /^@runfleet\/([a-z-]+)$/.exec(request);
  if (shortcuts.has(request)) request = shortcuts.get(request);
  else if (workspace) request = path.join(root, 'packages', workspace[1], 'src', 'index.ts');
  try {
    return originalResolve.call(this, request, parent, ...rest);
  } catch (err) {
    if (request.startsWith('.') && request.endsWith('.js') && parent) {
      const candidate = path.resolve(path.dirname(parent.filename), request.replace(/\.js$/, '.ts'));
      if (fs.existsSync(candidate)) return candidate;
    }
    throw err;
  }
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const stat = fs.statSync(filename);
  const key = crypto.createHash('sha1').update(`${filename}:${stat.mtimeMs}:${stat.size}`).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    }).code;
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  }
  module._compile(code, filename);
};

module.exports = {
  /** Resolves `request` (e.g. '@runfleet/service-kit') to `file` in this process from now on. */
  shortcut(request, file) {
    shortcuts.set(request, file);
  },
};
