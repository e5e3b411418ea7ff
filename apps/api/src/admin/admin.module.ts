import { Module } from '@nestjs/common';
import { AccessModule } from '@trace/access';
import { AdminController } from './admin.controller';
import { CreateKeyUseCase } from './create-key.use-case';
import { ListKeysUseCase } from './list-keys.use-case';
import { ReadAccessLogUseCase } from './read-access-log.use-case';
import { RevokeKeyUseCase } from './revoke-key.use-case';

/** /v1/keys and /v1/access-log: API keys and who asked what, for admin keys within their scope. */
@Module({
  imports: [AccessModule],
  controllers: [AdminController],
  providers: [CreateKeyUseCase, ListKeysUseCase, RevokeKeyUseCase, ReadAccessLogUseCase],
})
export class AdminModule {}
