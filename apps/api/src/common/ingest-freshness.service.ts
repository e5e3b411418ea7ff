import { Injectable } from '@nestjs/common';
import { consumerLag, KafkaClients, prefixedTopics } from '@trace/platform';
import { ApiEnv } from '../api.config';

const TIMEOUT_MS = 3_000;

/** How fresh the graph is, as a report states it: the ingest's group, and its lag or why that is not known. */
export interface ReportFreshness {
  consumerGroup: string;
  consumerLag: number | null;
  lagError?: string;
}

/** How far behind the source topics the ingest's consumer group (INGEST_GROUP_ID) is: a report's freshness, GET /v1/freshness. */
@Injectable()
export class IngestFreshness {
  constructor(
    private readonly kafka: KafkaClients,
    private readonly env: ApiEnv,
  ) {}

  /** Messages on the source topics not yet committed by the group, or why it is not known (a report never fails for it). */
  async lag(): Promise<{ lag: number | null; error?: string }> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.measure(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the broker did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      return { lag: null, error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The freshness lines of a report. Read it before the graph: everything the lag counts was written before the read. */
  async ofReport(): Promise<ReportFreshness> {
    const { lag, error } = await this.lag();
    return { consumerGroup: this.env.INGEST_GROUP_ID, consumerLag: lag, ...(error ? { lagError: error } : {}) };
  }

  private async measure(): Promise<{ lag: number }> {
    const admin = await this.kafka.admin();
    const { total } = await consumerLag(admin, this.env.INGEST_GROUP_ID, prefixedTopics(this.kafka.topicPrefix).sources);
    return { lag: total };
  }
}
