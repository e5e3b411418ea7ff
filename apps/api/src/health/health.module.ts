import { Module } from '@nestjs/common';
import { CheckHealthUseCase } from './check-health.use-case';
import { HealthController } from './health.controller';

/** GET /health: whether the database and the broker answer. */
@Module({
  controllers: [HealthController],
  providers: [CheckHealthUseCase],
})
export class HealthModule {}
