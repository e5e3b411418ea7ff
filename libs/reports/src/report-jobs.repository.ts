import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomBytes } from 'node:crypto';
import { Model, Schema } from 'mongoose';
import type { BrandScope } from '@trace/genealogy';

export type ReportJobStatus = 'queued' | 'running' | 'done' | 'failed';
const ACTIVE: readonly ReportJobStatus[] = ['queued', 'running'];

/** A report over many serials, made in the background; its result is stored in chunks. */
export interface ReportJob {
  id: string;
  /** The API key that asked: only it may see the job. */
  ownerKeyId: string;
  scope: BrandScope;
  format: 'csv';
  serials: string[];
  /** Reports as of this moment (ISO 8601 with an offset), when asked for; else as of when the job runs. */
  asOf?: string;
  status: ReportJobStatus;
  /** Serials handled so far (reported or not found). */
  done: number;
  /** Serials with no report: unknown, or outside the caller's brands (the two are not told apart). */
  notFound: string[];
  rows: number;
  /** Chunks of the finished result. */
  chunks: number;
  bytes: number;
  keyId?: string;
  digest?: string;
  error?: string;
  createdAt: string;
  finishedAt?: string;
  /** When the job and its result are deleted. */
  expiresAt: string;
  /** The API instance that runs (or queued) the job, and until when its claim holds unless renewed. */
  leaseOwner: string;
  leaseUntil: string;
  /** Runs started: 1 for a job never taken over. */
  attempts: number;
}

/** What a key may hold (see ApiEnv: REPORT_JOBS_*). */
export interface ReportJobLimits {
  maxActive: number;
  maxKept: number;
  maxStoredBytes: number;
  maxJobBytes: number;
  ttlMs: number;
  leaseMs: number;
}

/** Why a job was not admitted, in words for the caller; `retryAfterS` when waiting is known to help. */
export interface QuotaRefusal {
  refused: string;
  retryAfterS?: number;
}

interface ReportJobDoc extends Omit<ReportJob, 'id' | 'createdAt' | 'finishedAt' | 'expiresAt' | 'leaseUntil'> {
  _id: string;
  createdAt: Date;
  finishedAt?: Date;
  expiresAt: Date;
  leaseUntil: Date;
  /** One more than the highest chunk sequence ever written, by any attempt: what a purge deletes. */
  chunkMark: number;
}
interface ReportChunkDoc {
  _id: string;
  data: Buffer;
  expiresAt: Date;
}
/** The jobs one key holds (its quota), rewritten whole under a version: admission is a compare-and-set. */
interface ReportJobKeyDoc {
  _id: string;
  version: number;
  jobs: { id: string; expiresAt: Date }[];
}
/** `active`: ids of queued and running jobs (taken over if abandoned); `owners`: keys that hold jobs (purged on a timer). */
interface ReportJobRegistryDoc {
  _id: 'active' | 'owners';
  ids: string[];
}

export const ReportJobSchema = new Schema<ReportJobDoc>(
  {
    _id: String, ownerKeyId: String, scope: Schema.Types.Mixed, format: String, serials: [String], asOf: String, status: String, done: Number, notFound: [String],
    rows: Number, chunks: Number, chunkMark: Number, bytes: Number, keyId: String, digest: String, error: String, createdAt: Date, finishedAt: Date,
    expiresAt: Date, leaseOwner: String, leaseUntil: Date, attempts: Number,
  },
  { collection: 'report_jobs', versionKey: false },
);
// MongoDB deletes expired jobs and chunks by itself (within a minute); the stand-in ignores TTL indexes, and the
// purge below does the same by `_id`, so neither relies on the other.
ReportJobSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
export const ReportChunkSchema = new Schema<ReportChunkDoc>({ _id: String, data: Buffer, expiresAt: Date }, { collection: 'report_chunks', versionKey: false });
ReportChunkSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
export const ReportJobKeySchema = new Schema<ReportJobKeyDoc>(
  { _id: String, version: Number, jobs: [new Schema({ id: String, expiresAt: Date }, { _id: false })] },
  { collection: 'report_job_keys', versionKey: false },
);
export const ReportJobRegistrySchema = new Schema<ReportJobRegistryDoc>({ _id: String, ids: [String] }, { collection: 'report_job_registry', versionKey: false });
export const REPORT_JOB_MODEL = 'ReportJob';
export const REPORT_CHUNK_MODEL = 'ReportChunk';
export const REPORT_JOB_KEY_MODEL = 'ReportJobKey';
export const REPORT_JOB_REGISTRY_MODEL = 'ReportJobRegistry';

const chunkId = (jobId: string, seq: number): string => `${jobId}:${String(seq).padStart(6, '0')}`;
const chunkIds = (jobId: string, from: number, to: number): string[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => chunkId(jobId, from + i));
const plain = (d: ReportJobDoc): ReportJob => {
  const { _id, createdAt, finishedAt, expiresAt, leaseUntil, chunkMark: _mark, ...rest } = d;
  return {
    id: _id,
    ...rest,
    createdAt: new Date(createdAt).toISOString(),
    ...(finishedAt ? { finishedAt: new Date(finishedAt).toISOString() } : {}),
    expiresAt: new Date(expiresAt).toISOString(),
    leaseUntil: new Date(leaseUntil).toISOString(),
  };
};
const isDuplicateKey = (e: unknown): boolean => (e as { code?: number }).code === 11000;
const CAS_TRIES = 20;

type Progress = Partial<Pick<ReportJob, 'status' | 'done' | 'rows' | 'chunks' | 'bytes' | 'keyId' | 'digest' | 'error'>> & { finishedAt?: Date };

/**
 * Report jobs, their results and each key's quota, read and written by `_id` only (a job by its id, its result chunk
 * by chunk, a key's jobs by the key id), so that the same code is fast on MongoDB and on the stand-in.
 */
@Injectable()
export class ReportJobsRepository {
  constructor(
    @InjectModel(REPORT_JOB_MODEL) private readonly jobs: Model<ReportJobDoc>,
    @InjectModel(REPORT_CHUNK_MODEL) private readonly chunks: Model<ReportChunkDoc>,
    @InjectModel(REPORT_JOB_KEY_MODEL) private readonly keys: Model<ReportJobKeyDoc>,
    @InjectModel(REPORT_JOB_REGISTRY_MODEL) private readonly registry: Model<ReportJobRegistryDoc>,
  ) {}

  /**
   * Creates a job if the key's quota allows it: fewer than `maxActive` queued or running, fewer than `maxKept` kept,
   * and room for `maxJobBytes` more in `maxStoredBytes`. The key's expired jobs are purged first.
   */
  async admit(ownerKeyId: string, scope: BrandScope, serials: string[], format: 'csv', leaseOwner: string, limits: ReportJobLimits, asOf?: string): Promise<ReportJob | QuotaRefusal> {
    for (let attempt = 0; attempt < CAS_TRIES; attempt++) {
      const now = new Date();
      const ledger = (await this.keys.findOne({ _id: ownerKeyId }).lean().exec()) as ReportJobKeyDoc | null;
      const version = ledger?.version ?? 0;
      const listed = ledger?.jobs ?? [];
      for (const expired of listed.filter((j) => new Date(j.expiresAt) <= now)) await this.purge(expired.id);
      const live = listed.filter((j) => new Date(j.expiresAt) > now);
      const docs = live.length
        ? ((await this.jobs.find({ _id: { $in: live.map((j) => j.id) } }, { status: 1, bytes: 1, expiresAt: 1 }).lean().exec()) as Pick<ReportJobDoc, '_id' | 'status' | 'bytes' | 'expiresAt'>[])
        : [];
      const kept = live.filter((j) => docs.some((d) => d._id === j.id)); // gone without us: MongoDB's TTL monitor
      const active = docs.filter((d) => ACTIVE.includes(d.status)).length;
      const stored = docs.reduce((sum, d) => sum + (ACTIVE.includes(d.status) ? limits.maxJobBytes : d.bytes), 0);
      const soonest = docs.filter((d) => !ACTIVE.includes(d.status)).map((d) => new Date(d.expiresAt).getTime()).sort((a, b) => a - b)[0];
      const retryAfterS = soonest === undefined ? undefined : Math.max(1, Math.ceil((soonest - now.getTime()) / 1000));
      if (active >= limits.maxActive) return { refused: `this key already has ${active} report job(s) queued or running (at most ${limits.maxActive}): wait for one to end` };
      if (kept.length >= limits.maxKept)
        return { refused: `this key already keeps ${kept.length} report job(s) (at most ${limits.maxKept}); each is deleted ${limits.ttlMs / 1000} s after it was created`, ...(retryAfterS ? { retryAfterS } : {}) };
      if (stored + limits.maxJobBytes > limits.maxStoredBytes)
        return {
          refused: `this key's report jobs hold ${stored} bytes; a new job needs room for ${limits.maxJobBytes} within ${limits.maxStoredBytes}: wait until older results expire`,
          ...(retryAfterS ? { retryAfterS } : {}),
        };

      const id = `rj-${randomBytes(12).toString('hex')}`;
      const expiresAt = new Date(now.getTime() + limits.ttlMs);
      try {
        const res = await this.keys.updateOne({ _id: ownerKeyId, version }, { $set: { version: version + 1, jobs: [...kept, { id, expiresAt }] } }, { upsert: true }).exec();
        if (res.matchedCount === 0 && res.upsertedCount === 0) continue;
      } catch (e) {
        if (isDuplicateKey(e)) continue; // another admission for this key won the race: look again
        throw e;
      }
      // Registered before the job exists: a crash in between leaves an id that points at nothing, which every reader skips.
      await this.registry.updateOne({ _id: 'owners' }, { $addToSet: { ids: ownerKeyId } }, { upsert: true }).exec();
      await this.registry.updateOne({ _id: 'active' }, { $addToSet: { ids: id } }, { upsert: true }).exec();
      const doc: ReportJobDoc = {
        _id: id, ownerKeyId, scope, format, serials, ...(asOf !== undefined ? { asOf } : {}), status: 'queued', done: 0, notFound: [], rows: 0, chunks: 0, chunkMark: 0, bytes: 0, createdAt: now,
        expiresAt, leaseOwner, leaseUntil: new Date(now.getTime() + limits.leaseMs), attempts: 1,
      };
      await this.jobs.create(doc);
      return plain(doc);
    }
    throw new Error(`report jobs of key ${ownerKeyId}: too many concurrent admissions, try again`);
  }

  /** The job, unless it expired (a job past its expiry is gone, whether or not it was purged yet). */
  async get(id: string): Promise<ReportJob | null> {
    const doc = (await this.jobs.findOne({ _id: id }).lean().exec()) as ReportJobDoc | null;
    return doc && new Date(doc.expiresAt) > new Date() ? plain(doc) : null;
  }

  /** Records progress, if `leaseOwner` still holds the job; false when it does not (another instance took it over). */
  async progress(id: string, leaseOwner: string, set: Progress, notFound: string[] = []): Promise<boolean> {
    const res = await this.jobs.updateOne({ _id: id, leaseOwner }, { $set: set, ...(notFound.length ? { $push: { notFound: { $each: notFound } } } : {}) }).exec();
    if (res.matchedCount > 0 && set.status && !ACTIVE.includes(set.status)) await this.registry.updateOne({ _id: 'active' }, { $pull: { ids: id } }).exec();
    return res.matchedCount > 0;
  }

  /** Starts a run from the beginning (a new attempt, or one taken over): no progress, no result yet. */
  async restart(id: string, leaseOwner: string): Promise<boolean> {
    const res = await this.jobs.updateOne({ _id: id, leaseOwner }, { $set: { status: 'running', done: 0, rows: 0, chunks: 0, bytes: 0, notFound: [] } }).exec();
    return res.matchedCount > 0;
  }

  /** Fails the job and deletes whatever result it had written (it will never be served). */
  async fail(id: string, leaseOwner: string, error: string): Promise<void> {
    if (await this.progress(id, leaseOwner, { status: 'failed', error, bytes: 0, chunks: 0, finishedAt: new Date() })) await this.deleteChunks(id);
  }

  /** Extends the lease of the jobs `leaseOwner` still holds. */
  async renewLeases(ids: string[], leaseOwner: string, leaseMs: number): Promise<void> {
    if (ids.length) await this.jobs.updateMany({ _id: { $in: ids }, leaseOwner }, { $set: { leaseUntil: new Date(Date.now() + leaseMs) } }).exec();
  }

  /** Gives up the lease at once (on shutdown), so that another instance takes the job over without waiting. */
  async releaseLeases(ids: string[], leaseOwner: string): Promise<void> {
    if (ids.length) await this.jobs.updateMany({ _id: { $in: ids }, leaseOwner }, { $set: { leaseUntil: new Date(0) } }).exec();
  }

  /**
   * Queued or running jobs whose lease ran out (their instance stopped), each taken over by `leaseOwner` (the
   * attempt counted); ended or expired jobs are dropped from the registry on the way.
   */
  async takeOverAbandoned(leaseOwner: string, leaseMs: number): Promise<ReportJob[]> {
    const ids = ((await this.registry.findOne({ _id: 'active' }).lean().exec()) as ReportJobRegistryDoc | null)?.ids ?? [];
    const taken: ReportJob[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const batch = ids.slice(i, i + 500);
      const docs = (await this.jobs.find({ _id: { $in: batch } }, { serials: 0, notFound: 0 }).lean().exec()) as unknown as Omit<ReportJobDoc, 'serials' | 'notFound'>[];
      const now = new Date();
      const ended = batch.filter((id) => !docs.some((d) => d._id === id && ACTIVE.includes(d.status) && new Date(d.expiresAt) > now));
      for (const id of ended) await this.registry.updateOne({ _id: 'active' }, { $pull: { ids: id } }).exec(); // a plain $pull: what the stand-in is known to do
      for (const d of docs.filter((x) => ACTIVE.includes(x.status) && new Date(x.expiresAt) > now && new Date(x.leaseUntil) <= now)) {
        const res = await this.jobs
          .updateOne({ _id: d._id, leaseOwner: d.leaseOwner, leaseUntil: d.leaseUntil }, { $set: { leaseOwner, leaseUntil: new Date(Date.now() + leaseMs) }, $inc: { attempts: 1 } })
          .exec();
        if (res.matchedCount === 0) continue; // another instance took it first
        const job = await this.jobs.findOne({ _id: d._id }).lean().exec();
        if (job) taken.push(plain(job as ReportJobDoc));
      }
    }
    return taken;
  }

  /** Deletes every expired job of every key, with its result, by `_id` (where TTL indexes are not honoured). */
  async purgeExpired(): Promise<number> {
    const owners = ((await this.registry.findOne({ _id: 'owners' }).lean().exec()) as ReportJobRegistryDoc | null)?.ids ?? [];
    let purged = 0;
    for (let i = 0; i < owners.length; i += 500) {
      const ledgers = (await this.keys.find({ _id: { $in: owners.slice(i, i + 500) } }).lean().exec()) as ReportJobKeyDoc[];
      for (const ledger of ledgers) purged += await this.purgeKey(ledger);
    }
    return purged;
  }

  private async purgeKey(ledger: ReportJobKeyDoc): Promise<number> {
    const now = new Date();
    const expired = ledger.jobs.filter((j) => new Date(j.expiresAt) <= now);
    if (expired.length === 0) return 0;
    for (const j of expired) await this.purge(j.id);
    // Only if nothing was admitted meanwhile; otherwise the next admission or purge drops them.
    await this.keys.updateOne({ _id: ledger._id, version: ledger.version }, { $set: { version: ledger.version + 1, jobs: ledger.jobs.filter((j) => new Date(j.expiresAt) > now) } }).exec();
    return expired.length;
  }

  /** Deletes a job and its result; the job last, so that a purge cut short is done again. */
  private async purge(id: string): Promise<void> {
    await this.deleteChunks(id);
    await this.registry.updateOne({ _id: 'active' }, { $pull: { ids: id } }).exec();
    await this.jobs.deleteOne({ _id: id }).exec();
  }

  private async deleteChunks(id: string): Promise<void> {
    const doc = (await this.jobs.findOne({ _id: id }, { chunkMark: 1 }).lean().exec()) as Pick<ReportJobDoc, 'chunkMark'> | null;
    const mark = doc?.chunkMark ?? 0;
    for (let seq = 0; seq < mark; seq += 1000) await this.chunks.deleteMany({ _id: { $in: chunkIds(id, seq, Math.min(mark, seq + 1000)) } }).exec();
  }

  /** Stores one chunk of a job's result (counted first, so that a purge always knows how far to delete). */
  async writeChunk(jobId: string, seq: number, data: Buffer, expiresAt: string): Promise<void> {
    await this.jobs.updateOne({ _id: jobId }, { $max: { chunkMark: seq + 1 } }).exec();
    await this.chunks.updateOne({ _id: chunkId(jobId, seq) }, { $set: { data, expiresAt: new Date(expiresAt) } }, { upsert: true }).exec();
  }

  /** The result's chunks in order, a few at a time: memory stays bounded whatever the result's size. */
  async *readChunks(jobId: string, count: number, perRead = 4): AsyncGenerator<Buffer> {
    for (let seq = 0; seq < count; seq += perRead) {
      const ids = chunkIds(jobId, seq, Math.min(count, seq + perRead));
      const docs = new Map((await this.chunks.find({ _id: { $in: ids } }).lean().exec()).map((d) => [d._id, d.data]));
      for (const id of ids) {
        const data = docs.get(id);
        if (!data) throw new Error(`report job ${jobId}: chunk ${id} is missing`);
        yield Buffer.isBuffer(data) ? data : Buffer.from((data as unknown as { buffer: Uint8Array }).buffer);
      }
    }
  }
}
