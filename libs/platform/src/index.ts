export * from './env';
export * from './mongo';
export * from './platform.config';
export * from './topics';
export * from './kafka';
export * from './metrics';
export * from './logging';
export * from './shutdown';
