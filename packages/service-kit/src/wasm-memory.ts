// Prisma 7's query compiler is a WebAssembly module (~4 MB) that every database service runs. With
// V8's defaults its hot functions are recompiled by the optimising tier (TurboFan) in background
// threads, whose compile memory stays in the process's malloc arenas: ~45–60 MB of resident size
// per service, idle (docs/benchmarks.md, "Saga": memory). Keeping WebAssembly on the baseline
// compiler (Liftoff) gives that back, at the price of slower query compilation in Prisma calls (not
// in the plain-pg paths): the saga bench's CPU per job measures it.
import { setFlagsFromString } from 'node:v8';

/**
 * Keeps WebAssembly on V8's baseline compiler from here on. Call first thing in a service's main,
 * before the first query makes Prisma compile its module (the flags are read at compile time;
 * `node --liftoff-only` is refused in NODE_OPTIONS, and the services are started as `node dist/main.js`).
 */
export function keepWasmOnBaselineCompiler(): void {
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--no-wasm-tier-up');
}
