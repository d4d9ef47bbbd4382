// keepWasmOnBaselineCompiler (docs/benchmarks.md, "Saga": memory): a hot WebAssembly function stays
// on V8's baseline compiler, where without the call V8 recompiles it with its optimising tier.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const FIXTURE = path.join(__dirname, '../fixtures/wasm-tier.js');

function stillOnBaseline(baseline: boolean): boolean {
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', FIXTURE], {
    env: { ...process.env, WASM_BASELINE: baseline ? '1' : '0' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return (JSON.parse(out) as { liftoff: boolean }).liftoff;
}

describe('keepWasmOnBaselineCompiler', () => {
  it('keeps a hot WebAssembly function on the baseline compiler', () => {
    expect(stillOnBaseline(true)).toBe(true);
  }, 30_000);

  it('(the control) without it V8 tiers the same function up', () => {
    expect(stillOnBaseline(false)).toBe(false);
  }, 30_000);
});
