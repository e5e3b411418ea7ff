import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Schema } from 'mongoose';
import type { BrandScope } from '@trace/genealogy';
import { generateKey, parseKey, secretMatches } from './api-key';
import { Principal, Role } from './principal';

interface ApiKeyDoc {
  _id: string;
  hash: string;
  role: Role;
  brands: string[] | '*';
  label?: string;
  createdAt: Date;
  revokedAt?: Date;
}

export const ApiKeySchema = new Schema<ApiKeyDoc>(
  { _id: String, hash: String, role: String, brands: Schema.Types.Mixed, label: String, createdAt: Date, revokedAt: Date },
  { collection: 'api_keys', versionKey: false },
);
export const API_KEY_MODEL = 'ApiKey';

/** An API key as listed: everything but the secret and its hash. */
export interface ApiKeyInfo {
  id: string;
  role: Role;
  brands: string[] | '*';
  label?: string;
  createdAt: string;
  revokedAt?: string;
}

/** Whether a key of `brands` sees nothing outside `scope`: a brand-scoped admin manages only such keys. */
export const withinScope = (brands: string[] | '*', scope: BrandScope): boolean =>
  scope.kind === 'site' || (brands !== '*' && brands.every((b) => scope.brands.includes(b)));

const scopeOf = (brands: string[] | '*'): BrandScope => (brands === '*' ? { kind: 'site' } : { kind: 'brands', brands });
const principalOf = (d: ApiKeyDoc): Principal => ({ keyId: d._id, role: d.role, scope: scopeOf(d.brands), ...(d.label ? { label: d.label } : {}) });
const info = (d: ApiKeyDoc): ApiKeyInfo => ({
  id: d._id,
  role: d.role,
  brands: d.brands,
  ...(d.label !== undefined ? { label: d.label } : {}),
  createdAt: new Date(d.createdAt).toISOString(),
  ...(d.revokedAt ? { revokedAt: new Date(d.revokedAt).toISOString() } : {}),
});

/** API keys: created with a random secret shown once, stored as a hash, listed without it, revoked at once. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectModel(API_KEY_MODEL) private readonly keys: Model<ApiKeyDoc>) {}

  async create(role: Role, brands: string[] | '*', label?: string): Promise<{ key: string; info: ApiKeyInfo }> {
    const k = generateKey();
    const doc: ApiKeyDoc = { _id: k.id, hash: k.hash, role, brands, ...(label ? { label } : {}), createdAt: new Date() };
    await this.keys.create(doc);
    return { key: k.key, info: info(doc) };
  }

  /** The keys whose brands lie within `scope` (every key for a site-wide scope). */
  async list(scope: BrandScope = { kind: 'site' }): Promise<ApiKeyInfo[]> {
    const docs = await this.keys.find({}).sort({ createdAt: 1 }).lean().exec();
    return docs.filter((d) => withinScope(d.brands, scope)).map(info);
  }

  /** Revokes by id or by the whole key; false when there is no such key, or none within `scope`. */
  async revoke(idOrKey: string, scope: BrandScope = { kind: 'site' }): Promise<boolean> {
    const id = parseKey(idOrKey)?.id ?? idOrKey;
    if (scope.kind !== 'site') {
      const doc = await this.keys.findById(id).lean().exec();
      if (!doc || !withinScope(doc.brands, scope)) return false; // another brand's key answers like no key at all
    }
    const res = await this.keys.updateOne({ _id: id, revokedAt: { $exists: false } }, { $set: { revokedAt: new Date() } }).exec();
    if (res.matchedCount > 0) return true;
    return (await this.keys.countDocuments({ _id: id }).exec()) > 0; // already revoked: still a success
  }

  /** The principal a bearer key stands for, or null (malformed, unknown, wrong secret or revoked). */
  async authenticate(key: string): Promise<Principal | null> {
    const parsed = parseKey(key);
    if (!parsed) return null;
    const doc = await this.keys.findById(parsed.id).lean().exec();
    if (!doc || doc.revokedAt || !secretMatches(parsed.secret, doc.hash)) return null;
    return principalOf(doc);
  }

  /** The principal of a key by its id, or null (unknown or revoked): what a browser session, which holds only the id, is checked against. */
  async principalById(id: string): Promise<Principal | null> {
    const doc = await this.keys.findById(id).lean().exec();
    if (!doc || doc.revokedAt) return null;
    return principalOf(doc);
  }
}
