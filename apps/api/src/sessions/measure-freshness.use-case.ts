import { Injectable } from '@nestjs/common';
import { IngestFreshness } from '../common/ingest-freshness.service';
import type { FreshnessDto } from './session.dto';

/** How far the graph is behind the shop floor, for the workspace's status line. */
@Injectable()
export class MeasureFreshnessUseCase {
  constructor(private readonly freshness: IngestFreshness) {}

  async execute(): Promise<FreshnessDto> {
    return { ...(await this.freshness.lag()), measuredAt: new Date().toISOString() };
  }
}
