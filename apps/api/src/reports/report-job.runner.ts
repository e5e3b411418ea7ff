import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { BackwardTracer, assembleGenealogy, inScope } from '@trace/genealogy';
import { ReportJob, ReportJobsRepository, ReportKeysRepository, buildGenealogyReport, csvHeader, csvRows, signatureTrailer } from '@trace/reports';
import { IngestLagService } from './ingest-lag.service';

/** Serials traced together: one round trip per level of the graph for the whole batch. */
const BATCH = 100;
/** Result bytes held before they are written as one stored chunk. */
const CHUNK_BYTES = 256 * 1024;
/** Jobs one instance runs at once; more wait, queued, so that memory stays bounded however many are started. */
const CONCURRENT_JOBS = 2;

/**
 * Makes the report of a job in the background, in the instance that accepted it: batch by batch, the rows
 * hashed as they go and written in chunks, so memory holds one batch's graph and one chunk whatever the number
 * of serials; progress is saved after every batch. The result is one CSV with the signature trailer.
 */
@Injectable()
export class ReportJobRunner {
  private readonly logger = new Logger('ReportJobs');
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly tracer: BackwardTracer,
    private readonly jobs: ReportJobsRepository,
    private readonly keys: ReportKeysRepository,
    private readonly lag: IngestLagService,
  ) {}

  private active = 0;
  private readonly waiting: (() => void)[] = [];

  /** Starts the job (or queues it behind others); failures are recorded on the job, never thrown here. */
  start(job: ReportJob): void {
    const run = this.turn()
      .then(() => this.run(job))
      .catch(async (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.logger.error(`report job ${job.id} failed: ${message}`);
        await this.jobs.progress(job.id, { status: 'failed', error: message, finishedAt: new Date() });
      })
      .catch((error: unknown) => this.logger.error(`report job ${job.id}: could not record the failure: ${String(error)}`))
      .finally(() => {
        this.running.delete(run);
        this.active--;
        this.waiting.shift()?.();
      });
    this.running.add(run);
  }

  /** Resolves when this job may run: at once if fewer than CONCURRENT_JOBS run, else when one ends. */
  private turn(): Promise<void> {
    if (this.active < CONCURRENT_JOBS) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.active++;
        resolve();
      }),
    );
  }

  /** Resolves when every job this instance runs has ended (for shutdown and tests). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private async run(job: ReportJob): Promise<void> {
    await this.jobs.progress(job.id, { status: 'running' });
    const key = await this.keys.signingKey();
    const { lag, error: lagError } = await this.lag.lag();
    const generatedAt = new Date().toISOString();
    const hash = createHash('sha256');
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let chunks = 0;
    let bytes = 0;
    let rows = 0;
    const emit = (text: string): void => {
      const b = Buffer.from(text, 'utf8');
      hash.update(b);
      pending.push(b);
      pendingBytes += b.length;
      bytes += b.length;
    };
    const flush = async (force: boolean): Promise<void> => {
      if (pendingBytes === 0 || (!force && pendingBytes < CHUNK_BYTES)) return;
      await this.jobs.writeChunk(job.id, chunks++, Buffer.concat(pending));
      pending = [];
      pendingBytes = 0;
    };

    emit(csvHeader());
    for (let i = 0; i < job.serials.length; i += BATCH) {
      const batch = job.serials.slice(i, i + BATCH);
      const graph = await this.tracer.fetchMany(batch, job.scope); // never walks another brand's units
      const notFound: string[] = [];
      for (const serial of batch) {
        const top = graph.units.get(serial);
        // Unknown and outside the caller's brands look the same, as everywhere.
        if (!top || !inScope(job.scope, top.brand)) {
          notFound.push(serial);
          continue;
        }
        const report = buildGenealogyReport(assembleGenealogy(serial, graph), {
          generatedAt,
          consumerGroup: this.lag.groupId,
          consumerLag: lag,
          ...(lagError ? { lagError } : {}),
        });
        for (const line of csvRows(report)) {
          emit(line);
          rows++;
        }
        await flush(false);
      }
      await this.jobs.progress(job.id, { done: Math.min(job.serials.length, i + batch.length), rows, chunks, bytes }, notFound);
    }
    await flush(true);
    const digest = hash.digest();
    const trailer = signatureTrailer('csv', digest, key);
    await this.jobs.writeChunk(job.id, chunks++, trailer);
    await this.jobs.progress(job.id, { status: 'done', rows, chunks, bytes: bytes + trailer.length, keyId: key.keyId, digest: `sha256:${digest.toString('hex')}`, finishedAt: new Date() });
  }
}
