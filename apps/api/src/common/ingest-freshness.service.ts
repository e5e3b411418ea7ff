import { Inject, Injectable } from '@nestjs/common';
import { prefixedTopics } from '@trace/platform';
import { Admin } from 'kafkajs';
import { KAFKA_ADMIN } from '../health/health.service';

export const REPORT_SETTINGS = Symbol('REPORT_SETTINGS');
/** What reports need of the API's settings. */
export interface ReportSettings {
  /** The ingest's consumer group (INGEST_GROUP_ID), whose lag says how fresh the graph is. */
  ingestGroupId: string;
  topicPrefix: string;
  /** Largest file POST /v1/reports/verify reads (REPORT_VERIFY_MAX_BYTES). */
  verifyMaxBytes: number;
}

const TIMEOUT_MS = 3_000;

/** How far behind the source topics the ingest's consumer group is, for a report's freshness line. */
@Injectable()
export class IngestLagService {
  private connected?: Promise<void>;

  constructor(
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(REPORT_SETTINGS) private readonly settings: ReportSettings,
  ) {}

  get groupId(): string {
    return this.settings.ingestGroupId;
  }

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

  private async measure(): Promise<{ lag: number }> {
    this.connected ??= this.admin.connect();
    await this.connected.catch((e: unknown) => {
      this.connected = undefined;
      throw e;
    });
    const topics = prefixedTopics(this.settings.topicPrefix).sources;
    const [ends, committed] = await Promise.all([
      Promise.all(topics.map(async (topic) => ({ topic, partitions: await this.admin.fetchTopicOffsets(topic) }))),
      this.admin.fetchOffsets({ groupId: this.settings.ingestGroupId, topics }),
    ]);
    let lag = 0;
    for (const { topic, partitions } of ends) {
      for (const p of partitions) {
        const c = committed.find((x) => x.topic === topic)?.partitions.find((x) => x.partition === p.partition);
        // No commit yet (-1): everything from the low watermark on is still to be ingested.
        const done = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(p.low);
        lag += Math.max(0, Number(p.high) - done);
      }
    }
    return { lag };
  }
}
