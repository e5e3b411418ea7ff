export * from './access-log.repository';
export * from './access.module';
export * from './api-key';
export * from './api-keys.repository';
export * from './principal';
export * from './sessions.repository';
