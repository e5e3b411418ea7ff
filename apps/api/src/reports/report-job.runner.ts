import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { BackwardTracer } from '@trace/genealogy';
import { ReportJob, ReportJobLimits, ReportJobsRepository, ReportKeysRepository, buildGenealogyReport, csvHeader, csvRows, signatureTrailer } from '@trace/reports';
import { ApiMetrics } from '../common/api.metrics';
import { IngestFreshness } from '../common/ingest-freshness.service';

/** Serials traced together: one round trip per level of the graph for the whole batch. */
const BATCH = 100;
/** Result bytes held before they are written as one stored chunk. */
const CHUNK_BYTES = 256 * 1024;
/** Jobs one instance runs at once; more wait, queued, so that memory stays bounded however many are started. */
const CONCURRENT_JOBS = 2;
/** A job whose result would pass REPORT_JOB_MAX_BYTES. */
class ReportTooLarge extends Error {}

/** Runs of one job that may be cut short (its instance stopped) before it is failed instead of run again. */
const MAX_ATTEMPTS = 3;
/** Room kept in REPORT_JOB_MAX_BYTES for the signature line (about 220 bytes). */
const TRAILER_ROOM = 512;

export const REPORT_JOB_SETTINGS = Symbol('REPORT_JOB_SETTINGS');
/** What the runner needs of the API's settings (REPORT_JOB*). */
export interface ReportJobSettings extends ReportJobLimits {
  maintenanceMs: number;
}

/** The run ended without a result of its own, and that is not the job's failure: it continues elsewhere. */
class RunHandedOver extends Error {}

/**
 * Makes the report of a job in the background: batch by batch, the rows hashed as they go and written in chunks,
 * so memory holds one batch's graph and one chunk whatever the number of serials; progress is saved after every
 * batch. The result is one CSV with the signature trailer.
 *
 * Each job is leased by one instance, which renews the lease while the job is queued or running there. A job
 * whose lease ran out (its instance stopped, or was killed) is taken over by the next instance that looks (at
 * start, then every REPORT_JOB_MAINTENANCE_MS) and run again from its first serial; after MAX_ATTEMPTS runs it
 * is failed instead, so that a job which kills its instance cannot kill them all in turn.
 */
@Injectable()
export class ReportJobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReportJobs');
  /** Who holds a lease: unique per process, so that a restarted instance does not think it still holds its old jobs. */
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly running = new Set<Promise<void>>();
  /** Jobs queued or running here, whose leases this instance renews. */
  private readonly held = new Set<string>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private stopping = false;
  private timers: NodeJS.Timeout[] = [];
  private maintaining?: Promise<void>;

  constructor(
    private readonly tracer: BackwardTracer,
    private readonly jobs: ReportJobsRepository,
    private readonly keys: ReportKeysRepository,
    private readonly freshness: IngestFreshness,
    @Inject(REPORT_JOB_SETTINGS) readonly settings: ReportJobSettings,
    @Optional() private readonly metrics?: ApiMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const every = (ms: number, fn: () => Promise<unknown>, what: string): NodeJS.Timeout =>
      setInterval(() => void fn().catch((e: unknown) => this.logger.error(`report jobs: ${what} failed: ${String(e)}`)), ms).unref();
    this.timers = [
      every(Math.max(100, Math.floor(this.settings.leaseMs / 3)), () => this.jobs.renewLeases([...this.held], this.instanceId, this.settings.leaseMs), 'renewing leases'),
      every(this.settings.maintenanceMs, () => this.maintain(), 'maintenance'),
    ];
    void this.maintain().catch((e: unknown) => this.logger.error(`report jobs: maintenance at start failed: ${String(e)}`));
  }

  /** Stops the jobs of this instance at their next batch and gives up their leases, so that another instance resumes them at once. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.timers.forEach(clearInterval);
    for (const wake of this.waiting.splice(0)) wake();
    await this.maintaining?.catch(() => undefined);
    const held = [...this.held];
    await this.idle();
    await this.jobs.releaseLeases(held, this.instanceId);
  }

  /** Takes over abandoned jobs and deletes expired ones (at start and on a timer; resolves when done, for tests). */
  maintain(): Promise<void> {
    this.maintaining ??= (async () => {
      try {
        for (const job of await this.jobs.takeOverAbandoned(this.instanceId, this.settings.leaseMs)) {
          if (job.attempts > MAX_ATTEMPTS) {
            this.logger.error(`report job ${job.id}: ${job.attempts - 1} runs were cut short; failing it`);
            await this.jobs.fail(job.id, this.instanceId, `given up after ${job.attempts - 1} runs that did not finish (the API instances running them stopped)`);
          } else {
            this.logger.warn(`report job ${job.id}: taken over from a stopped instance, run ${job.attempts} of at most ${MAX_ATTEMPTS}`);
            this.start(job);
          }
        }
        await this.jobs.purgeExpired();
      } finally {
        this.maintaining = undefined;
      }
    })();
    return this.maintaining;
  }

  /** Starts the job (or queues it behind others); failures are recorded on the job, never thrown here. */
  start(job: ReportJob): void {
    this.held.add(job.id);
    const jobs = this.metrics?.reportJobs;
    jobs?.inc({ state: 'queued' });
    let state: 'queued' | 'running' = 'queued';
    const run = this.turn()
      .then(() => {
        jobs?.dec({ state: 'queued' });
        jobs?.inc({ state: (state = 'running') });
        return this.run(job);
      })
      .then(() => this.metrics?.reportJobsEnded.inc({ outcome: 'done' }))
      .catch(async (error: unknown) => {
        if (error instanceof RunHandedOver) {
          this.metrics?.reportJobsEnded.inc({ outcome: 'handed_over' });
          this.logger.warn(`report job ${job.id}: ${error.message}`);
          return;
        }
        this.metrics?.reportJobsEnded.inc({ outcome: 'failed' });
        const message = error instanceof Error ? error.message : String(error);
        // A job its caller made too large is the caller's to fix (it says so on the job), not a fault of the service.
        if (error instanceof ReportTooLarge) this.logger.warn(`report job ${job.id} failed: ${message}`);
        else this.logger.error(`report job ${job.id} failed: ${message}`);
        await this.jobs.fail(job.id, this.instanceId, message);
      })
      .catch((error: unknown) => this.logger.error(`report job ${job.id}: could not record the failure: ${String(error)}`))
      .finally(() => {
        jobs?.dec({ state });
        this.running.delete(run);
        this.held.delete(job.id);
        this.active--;
        this.waiting.shift()?.();
      });
    this.running.add(run);
  }

  /** Resolves when this job may run: at once if fewer than CONCURRENT_JOBS run, else when one ends. */
  private turn(): Promise<void> {
    if (this.active < CONCURRENT_JOBS || this.stopping) {
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
    const me = this.instanceId;
    const stillOurs = (held: boolean, orStopping = true): void => {
      if (!held) throw new RunHandedOver('another instance took it over');
      if (orStopping && this.stopping) throw new RunHandedOver('this instance is stopping; another one will run it again');
    };
    stillOurs(!this.stopping && (await this.jobs.restart(job.id, me)));
    const key = await this.keys.signingKey();
    const freshness = await this.freshness.ofReport();
    const generatedAt = new Date().toISOString();
    const asOf = job.asOf !== undefined ? new Date(job.asOf) : undefined;
    const hash = createHash('sha256');
    const maxBytes = this.settings.maxJobBytes;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let chunks = 0;
    let bytes = 0;
    let rows = 0;
    const emit = (text: string): void => {
      const b = Buffer.from(text, 'utf8');
      bytes += b.length;
      if (bytes + TRAILER_ROOM > maxBytes)
        throw new ReportTooLarge(`the result would be larger than ${maxBytes} bytes (REPORT_JOB_MAX_BYTES) after ${rows} rows: ask for fewer serials per job`);
      hash.update(b);
      pending.push(b);
      pendingBytes += b.length;
    };
    const flush = async (force: boolean): Promise<void> => {
      if (pendingBytes === 0 || (!force && pendingBytes < CHUNK_BYTES)) return;
      await this.jobs.writeChunk(job.id, chunks++, Buffer.concat(pending), job.expiresAt);
      pending = [];
      pendingBytes = 0;
    };

    emit(csvHeader(job.asOf));
    for (let i = 0; i < job.serials.length; i += BATCH) {
      if (Date.now() >= Date.parse(job.expiresAt)) throw new Error(`the job expired (at ${job.expiresAt}) before it finished`);
      const batch = job.serials.slice(i, i + BATCH);
      const genealogies = await this.tracer.traceMany(batch, job.scope, asOf); // never walks another brand's units
      const notFound: string[] = [];
      for (const serial of batch) {
        const genealogy = genealogies.get(serial);
        // Unknown and outside the caller's brands look the same, as everywhere.
        if (!genealogy) {
          notFound.push(serial);
          continue;
        }
        const report = buildGenealogyReport(genealogy, { generatedAt, ...(job.asOf !== undefined ? { asOf: job.asOf } : {}), ...freshness }); // judged, as a single report is
        for (const line of csvRows(report)) {
          emit(line);
          rows++;
        }
        await flush(false);
      }
      stillOurs(await this.jobs.progress(job.id, me, { done: Math.min(job.serials.length, i + batch.length), rows, bytes }, notFound));
    }
    await flush(true);
    const digest = hash.digest();
    const trailer = signatureTrailer('csv', digest, key);
    await this.jobs.writeChunk(job.id, chunks++, trailer, job.expiresAt);
    stillOurs(await this.jobs.progress(job.id, me, { status: 'done', rows, chunks, bytes: bytes + trailer.length, keyId: key.keyId, digest: `sha256:${digest.toString('hex')}`, finishedAt: new Date() }), false);
  }
}
