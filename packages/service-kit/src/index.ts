// Public API of the runtime kit every Runfleet service boots with (see README.md).
export * from './context';
export * from './credentials';
export * from './database';
export * from './database-errors';
export * from './config';
export * from './logger';
export * from './errors';
export * from './metrics';
export * from './health';
export * from './principal';
export * from './http';
export * from './lifecycle';
export * from './wasm-memory';
export type { Logger } from 'pino';
export * from './openapi';
export * from './keyset-page';
export * from './list-schemas';
export * from './sealed-box';
