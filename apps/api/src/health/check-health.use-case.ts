import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { KafkaClients } from '@trace/platform';
import { Connection } from 'mongoose';

export interface Check {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}
export interface HealthReport {
  status: 'ok' | 'error';
  checks: { database: Check; broker: Check };
}

const TIMEOUT_MS = 3_000;

/** Whether the database answers a ping and the broker answers a metadata request, each within 3 s. */
@Injectable()
export class CheckHealthUseCase {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly kafka: KafkaClients,
  ) {}

  async execute(): Promise<HealthReport> {
    const [database, broker] = await Promise.all([
      probe(async () => {
        await this.connection.db!.admin().ping();
      }),
      probe(async () => {
        await (await this.kafka.admin()).describeCluster();
      }),
    ]);
    return { status: database.status === 'up' && broker.status === 'up' ? 'ok' : 'error', checks: { database, broker } };
  }
}

async function probe(fn: () => Promise<void>): Promise<Check> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - start) };
  } catch (error) {
    return { status: 'down', latencyMs: Math.round(performance.now() - start), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
