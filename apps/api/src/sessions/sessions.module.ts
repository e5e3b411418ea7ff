import { Module } from '@nestjs/common';
import { AccessModule, SESSION_LIFETIME } from '@trace/access';
import { ApiEnv } from '../api.config';
import { CurrentSessionUseCase } from './current-session.use-case';
import { MeasureFreshnessUseCase } from './measure-freshness.use-case';
import { SessionLifetimeSettings } from './session-lifetime';
import { SessionsController } from './sessions.controller';
import { SignInUseCase } from './sign-in.use-case';
import { SignOutUseCase } from './sign-out.use-case';

/** /v1/session: browser sign-in with an API key, an HttpOnly cookie after; /v1/freshness for the workspace. */
@Module({
  imports: [AccessModule],
  controllers: [SessionsController],
  providers: [
    SignInUseCase,
    CurrentSessionUseCase,
    SignOutUseCase,
    MeasureFreshnessUseCase,
    SessionLifetimeSettings,
    { provide: SESSION_LIFETIME, useFactory: (env: ApiEnv) => ({ idleMs: env.SESSION_IDLE_MINUTES * 60_000, absoluteMs: env.SESSION_MAX_HOURS * 3_600_000 }), inject: [ApiEnv] },
  ],
})
export class SessionsModule {}
