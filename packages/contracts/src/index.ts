export * from './principal';
export * from './problem';
export * from './names';
export * from './envelope';
