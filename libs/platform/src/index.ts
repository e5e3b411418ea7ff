export * from './env';
export * from './kafka';
export * from './mongo';
export * from './platform.config';
export * from './topics';
