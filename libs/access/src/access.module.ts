import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ACCESS_LOG_MODEL, AccessLogRepository, AccessLogSchema } from './access-log.repository';
import { API_KEY_MODEL, ApiKeySchema, ApiKeysRepository } from './api-keys.repository';

/** API keys and the access log. Needs a MongooseModule.forRoot in the app. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: API_KEY_MODEL, schema: ApiKeySchema },
      { name: ACCESS_LOG_MODEL, schema: AccessLogSchema },
    ]),
  ],
  providers: [ApiKeysRepository, AccessLogRepository],
  exports: [ApiKeysRepository, AccessLogRepository],
})
export class AccessModule {}
