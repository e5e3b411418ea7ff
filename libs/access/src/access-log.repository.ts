import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Schema, Types } from 'mongoose';

/** One request to a data endpoint: who asked what, and what they got. Never the key itself. */
export interface AccessLogEntry {
  at: string;
  keyId: string | null;
  role: string | null;
  scope: string[] | '*' | null;
  method: string;
  path: string;
  query: Record<string, unknown>;
  status: number;
  items: number | null;
  durationMs: number;
}

interface AccessLogDoc extends Omit<AccessLogEntry, 'at'> {
  _id: Types.ObjectId;
  at: Date;
}

export const AccessLogSchema = new Schema<AccessLogDoc>(
  {
    at: Date,
    keyId: String,
    role: String,
    scope: Schema.Types.Mixed,
    method: String,
    path: String,
    query: Schema.Types.Mixed,
    status: Number,
    items: Number,
    durationMs: Number,
  },
  { collection: 'access_log', versionKey: false },
);
export const ACCESS_LOG_MODEL = 'AccessLog';

export interface AccessLogQuery {
  keyId?: string;
  since?: Date;
  until?: Date;
  /** Entries older than this cursor (an entry id), newest first. */
  before?: string;
  limit: number;
}

/** The access log: append-only (this class has no update or delete), newest first. */
@Injectable()
export class AccessLogRepository {
  constructor(@InjectModel(ACCESS_LOG_MODEL) private readonly log: Model<AccessLogDoc>) {}

  async append(entry: AccessLogEntry): Promise<void> {
    await this.log.collection.insertOne({ _id: new Types.ObjectId(), ...entry, at: new Date(entry.at) } as never);
  }

  /** A page of entries, newest first, and the cursor of the next page. */
  async find(q: AccessLogQuery): Promise<{ items: (AccessLogEntry & { id: string })[]; next: string | null }> {
    // The time range is a range of _id: ObjectIds start with their creation time, and _id is always indexed.
    const id: Record<string, Types.ObjectId> = {};
    if (q.since) id.$gte = Types.ObjectId.createFromTime(Math.floor(q.since.getTime() / 1000));
    if (q.until) id.$lt = Types.ObjectId.createFromTime(Math.ceil(q.until.getTime() / 1000) + 1);
    if (q.before) id.$lt = new Types.ObjectId(q.before);
    const filter: Record<string, unknown> = {};
    if (Object.keys(id).length > 0) filter._id = id;
    if (q.keyId) filter.keyId = q.keyId;
    const docs = await this.log.find(filter).sort({ _id: -1 }).limit(q.limit + 1).lean().exec();
    const page = docs.slice(0, q.limit);
    return {
      items: page.map(({ _id, at, ...rest }) => ({ id: _id.toHexString(), at: new Date(at).toISOString(), ...rest })),
      next: docs.length > q.limit ? page.at(-1)!._id.toHexString() : null,
    };
  }
}
