import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomBytes } from 'node:crypto';
import { Model, Schema } from 'mongoose';
import type { BrandScope } from '@trace/genealogy';

export type ReportJobStatus = 'queued' | 'running' | 'done' | 'failed';

/** A report over many serials, made in the background; its result is stored in chunks. */
export interface ReportJob {
  id: string;
  /** The API key that asked: only it may see the job. */
  ownerKeyId: string;
  scope: BrandScope;
  format: 'csv';
  serials: string[];
  status: ReportJobStatus;
  /** Serials handled so far (reported or not found). */
  done: number;
  /** Serials with no report: unknown, or outside the caller's brands (the two are not told apart). */
  notFound: string[];
  rows: number;
  chunks: number;
  bytes: number;
  keyId?: string;
  digest?: string;
  error?: string;
  createdAt: string;
  finishedAt?: string;
}

interface ReportJobDoc extends Omit<ReportJob, 'id' | 'createdAt' | 'finishedAt'> {
  _id: string;
  createdAt: Date;
  finishedAt?: Date;
}
interface ReportChunkDoc {
  _id: string;
  data: Buffer;
}

export const ReportJobSchema = new Schema<ReportJobDoc>(
  {
    _id: String, ownerKeyId: String, scope: Schema.Types.Mixed, format: String, serials: [String], status: String, done: Number, notFound: [String],
    rows: Number, chunks: Number, bytes: Number, keyId: String, digest: String, error: String, createdAt: Date, finishedAt: Date,
  },
  { collection: 'report_jobs', versionKey: false },
);
export const ReportChunkSchema = new Schema<ReportChunkDoc>({ _id: String, data: Buffer }, { collection: 'report_chunks', versionKey: false });
export const REPORT_JOB_MODEL = 'ReportJob';
export const REPORT_CHUNK_MODEL = 'ReportChunk';

const chunkId = (jobId: string, seq: number): string => `${jobId}:${String(seq).padStart(6, '0')}`;
const plain = (d: ReportJobDoc): ReportJob => {
  const { _id, createdAt, finishedAt, ...rest } = d;
  return { id: _id, ...rest, createdAt: new Date(createdAt).toISOString(), ...(finishedAt ? { finishedAt: new Date(finishedAt).toISOString() } : {}) };
};

/** Report jobs and their results, read by `_id` only (a job by its id, its result chunk by chunk). */
@Injectable()
export class ReportJobsRepository {
  constructor(
    @InjectModel(REPORT_JOB_MODEL) private readonly jobs: Model<ReportJobDoc>,
    @InjectModel(REPORT_CHUNK_MODEL) private readonly chunks: Model<ReportChunkDoc>,
  ) {}

  async create(ownerKeyId: string, scope: BrandScope, serials: string[], format: 'csv'): Promise<ReportJob> {
    const doc: ReportJobDoc = {
      _id: `rj-${randomBytes(12).toString('hex')}`, ownerKeyId, scope, format, serials, status: 'queued', done: 0, notFound: [], rows: 0, chunks: 0, bytes: 0, createdAt: new Date(),
    };
    await this.jobs.create(doc);
    return plain(doc);
  }

  async get(id: string): Promise<ReportJob | null> {
    const doc = await this.jobs.findOne({ _id: id }).lean().exec();
    return doc ? plain(doc as ReportJobDoc) : null;
  }

  async progress(id: string, set: Partial<Pick<ReportJob, 'status' | 'done' | 'rows' | 'chunks' | 'bytes' | 'keyId' | 'digest' | 'error'>> & { finishedAt?: Date }, notFound: string[] = []): Promise<void> {
    await this.jobs.updateOne({ _id: id }, { $set: set, ...(notFound.length ? { $push: { notFound: { $each: notFound } } } : {}) }).exec();
  }

  async writeChunk(jobId: string, seq: number, data: Buffer): Promise<void> {
    await this.chunks.updateOne({ _id: chunkId(jobId, seq) }, { $set: { data } }, { upsert: true }).exec();
  }

  /** The result's chunks in order, a few at a time: memory stays bounded whatever the result's size. */
  async *readChunks(jobId: string, count: number, perRead = 4): AsyncGenerator<Buffer> {
    for (let seq = 0; seq < count; seq += perRead) {
      const ids = Array.from({ length: Math.min(perRead, count - seq) }, (_, i) => chunkId(jobId, seq + i));
      const docs = new Map((await this.chunks.find({ _id: { $in: ids } }).lean().exec()).map((d) => [d._id, d.data]));
      for (const id of ids) {
        const data = docs.get(id);
        if (!data) throw new Error(`report job ${jobId}: chunk ${id} is missing`);
        yield Buffer.isBuffer(data) ? data : Buffer.from((data as unknown as { buffer: Uint8Array }).buffer);
      }
    }
  }
}
