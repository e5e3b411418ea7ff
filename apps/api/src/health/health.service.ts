import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Admin } from 'kafkajs';
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

export const KAFKA_ADMIN = Symbol('KAFKA_ADMIN');
const TIMEOUT_MS = 3_000;

/** Whether the database answers a ping and the broker answers a metadata request, each within 3 s. */
@Injectable()
export class HealthService implements OnModuleDestroy {
  private adminConnected?: Promise<void>;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
  ) {}

  async check(): Promise<HealthReport> {
    const [database, broker] = await Promise.all([
      probe(async () => {
        await this.connection.db!.admin().ping();
      }),
      probe(async () => {
        this.adminConnected ??= this.admin.connect();
        await this.adminConnected.catch((e: unknown) => {
          this.adminConnected = undefined;
          throw e;
        });
        await this.admin.describeCluster();
      }),
    ]);
    return { status: database.status === 'up' && broker.status === 'up' ? 'ok' : 'error', checks: { database, broker } };
  }

  async onModuleDestroy(): Promise<void> {
    await this.admin.disconnect();
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
