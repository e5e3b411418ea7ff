// Keys, sessions and the access log: repositories and plain types; the stored documents and schemas stay inside.
export { ACCESS_LOG_MAX_TIME, AccessLogRepository, type AccessLogEntry, type AccessLogOutcome, type AccessLogQuery } from './access-log.repository';
export * from './access.module';
export * from './api-key';
export { ApiKeysRepository, withinScope, type ApiKeyInfo } from './api-keys.repository';
export * from './principal';
export { DEFAULT_SESSION_LIFETIME, SESSION_LIFETIME, SessionsRepository, csrfMatches, type Session, type SessionLifetime } from './sessions.repository';
