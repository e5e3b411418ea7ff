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
  /**
   * The query string as [name, value] pairs in the order sent: names are data here, never field names, so a name with
   * a NUL, `$` or `.` is stored like any other.
   */
  query: [string, string][];
  /** null while the request is being served (the entry is written before the handler runs). */
  status: number | null;
  items: number | null;
  durationMs: number | null;
  /** Path or query were cut to bound the entry's size. */
  truncated?: true;
  /** The client closed the connection before the answer was complete; status and items say what was done. */
  aborted?: true;
  /** The correlation id of the events the request published (holds). */
  correlationId?: string;
}

/** How a request ended, written once onto the entry made before it was served. */
export type AccessLogOutcome = Pick<AccessLogEntry, 'status' | 'items' | 'durationMs' | 'aborted' | 'correlationId'>;

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
    truncated: Boolean,
    aborted: Boolean,
    correlationId: String,
  },
  { collection: 'access_log', versionKey: false },
);
export const ACCESS_LOG_MODEL = 'AccessLog';

export interface AccessLogQuery {
  keyId?: string;
  /** Only entries of these keys (a brand admin reads its brands' keys only); none matches an empty list. */
  keyIds?: string[];
  since?: Date;
  until?: Date;
  /** Entries older than this cursor (an entry id), newest first. */
  before?: string;
  limit: number;
}

/** The latest instant an entry id can carry: ObjectIds hold their time as unsigned 32-bit seconds. */
export const ACCESS_LOG_MAX_TIME = new Date(0xffffffff * 1000);

/**
 * The access log, newest first. Written once per request and never deleted: an entry is inserted before the request
 * is served (status null) and completed once when it ends; this class has no other update and no delete.
 */
@Injectable()
export class AccessLogRepository {
  constructor(@InjectModel(ACCESS_LOG_MODEL) private readonly log: Model<AccessLogDoc>) {}

  /** A new entry id; its time is now (the time range of find is a range of ids). */
  newId(): string {
    return new Types.ObjectId().toHexString();
  }

  async append(entry: AccessLogEntry, id: string = this.newId()): Promise<void> {
    await this.log.collection.insertOne({ _id: new Types.ObjectId(id), ...entry, at: new Date(entry.at) } as never);
  }

  /** Records how a request ended on its entry, once: an entry already completed is left as it is. */
  async complete(id: string, outcome: AccessLogOutcome): Promise<void> {
    const set = Object.fromEntries(Object.entries(outcome).filter(([, v]) => v !== undefined));
    await this.log.collection.updateOne({ _id: new Types.ObjectId(id), status: null } as never, { $set: set });
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
    if (q.keyIds) filter.keyId = { $in: q.keyId ? q.keyIds.filter((k) => k === q.keyId) : q.keyIds };
    else if (q.keyId) filter.keyId = q.keyId;
    const docs = await this.log.find(filter).sort({ _id: -1 }).limit(q.limit + 1).lean().exec();
    const page = docs.slice(0, q.limit);
    return {
      items: page.map(({ _id, at, ...rest }) => ({ id: _id.toHexString(), at: new Date(at).toISOString(), ...rest })),
      next: docs.length > q.limit ? page.at(-1)!._id.toHexString() : null,
    };
  }
}
