import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ACCESS_LOG_MODEL, AccessLogRepository, AccessLogSchema } from './access-log.repository';
import { API_KEY_MODEL, ApiKeySchema, ApiKeysRepository } from './api-keys.repository';
import { SESSION_MODEL, SessionSchema, SessionsRepository } from './sessions.repository';

/** API keys, browser sessions and the access log. Needs a MongooseModule.forRoot in the app. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: API_KEY_MODEL, schema: ApiKeySchema },
      { name: ACCESS_LOG_MODEL, schema: AccessLogSchema },
      { name: SESSION_MODEL, schema: SessionSchema },
    ]),
  ],
  providers: [ApiKeysRepository, AccessLogRepository, SessionsRepository],
  exports: [ApiKeysRepository, AccessLogRepository, SessionsRepository],
})
export class AccessModule {}
