import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Model, Schema } from 'mongoose';

// A browser session: the cookie holds a random 256-bit token; the collection is keyed by its SHA-256, so a
// reader of the database cannot sign in with what it sees. It stores the key id, never the key: the guard
// looks the key up by that id on every request, so revoking the key ends its sessions at once.
interface SessionDoc {
  _id: string;
  keyId: string;
  csrf: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export const SessionSchema = new Schema<SessionDoc>(
  { _id: String, keyId: String, csrf: String, createdAt: Date, lastSeenAt: Date, expiresAt: Date },
  { collection: 'sessions', versionKey: false },
);
export const SESSION_MODEL = 'Session';

/** How long a session lives: `idleMs` without a request, `absoluteMs` at most. */
export interface SessionLifetime {
  idleMs: number;
  absoluteMs: number;
}
export const SESSION_LIFETIME = Symbol('SESSION_LIFETIME');
export const DEFAULT_SESSION_LIFETIME: SessionLifetime = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

/** A live session as the guard sees it. */
export interface Session {
  keyId: string;
  csrfToken: string;
  expiresAt: Date;
  idleExpiresAt: Date;
}

// lastSeenAt is written at most this often: a request does not cost a write, the idle expiry is this coarse.
const TOUCH_EVERY_MS = 30_000;

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Whether two CSRF tokens are equal, in time independent of where they differ. */
export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Browser sessions bound to an API key id, with idle and absolute expiry, stored server-side by the hash of their token. */
@Injectable()
export class SessionsRepository {
  private lifetime: SessionLifetime = DEFAULT_SESSION_LIFETIME;

  constructor(@InjectModel(SESSION_MODEL) private readonly sessions: Model<SessionDoc>) {}

  /** Sets how long sessions live (the API's settings). */
  configure(lifetime: SessionLifetime): void {
    this.lifetime = lifetime;
  }

  /** A new session for the key: the token goes in the cookie, the CSRF token to the page. */
  async create(keyId: string, now = new Date()): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.lifetime.absoluteMs);
    await this.sessions.create({ _id: hashToken(token), keyId, csrf, createdAt: now, lastSeenAt: now, expiresAt });
    return { token, session: { keyId, csrfToken: csrf, expiresAt, idleExpiresAt: this.idleExpiry(now, expiresAt) } };
  }

  /** The live session of a cookie token, or null (unknown, idle too long, past its absolute expiry); keeps it alive. */
  async find(token: string, now = new Date()): Promise<Session | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const id = hashToken(token);
    const doc = await this.sessions.findById(id).lean().exec();
    if (!doc) return null;
    const expiresAt = new Date(doc.expiresAt);
    if (now >= expiresAt || now.getTime() - new Date(doc.lastSeenAt).getTime() >= this.lifetime.idleMs) {
      await this.sessions.deleteOne({ _id: id }).exec();
      return null;
    }
    let lastSeenAt = new Date(doc.lastSeenAt);
    if (now.getTime() - lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      await this.sessions.updateOne({ _id: id }, { $set: { lastSeenAt: now } }).exec();
      lastSeenAt = now;
    }
    return { keyId: doc.keyId, csrfToken: doc.csrf, expiresAt, idleExpiresAt: this.idleExpiry(lastSeenAt, expiresAt) };
  }

  /** Ends a session (sign out); nothing when there is none. */
  async delete(token: string): Promise<void> {
    await this.sessions.deleteOne({ _id: hashToken(token) }).exec();
  }

  private idleExpiry(lastSeenAt: Date, expiresAt: Date): Date {
    return new Date(Math.min(lastSeenAt.getTime() + this.lifetime.idleMs, expiresAt.getTime()));
  }
}
