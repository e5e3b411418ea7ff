import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { Model, Schema } from 'mongoose';
import { keyIdOf, PublicReportKey, ReportSigningKey } from './report-signature';

interface ReportKeyDoc {
  _id: string;
  algorithm: 'Ed25519';
  publicKeyPem: string;
  /** PKCS#8 PEM; encrypted (PBES2, AES-256-CBC) with REPORT_KEY_SECRET when that is set. */
  privateKeyPem: string;
  encrypted: boolean;
  createdAt: Date;
  retiredAt?: Date;
}

export const ReportKeySchema = new Schema<ReportKeyDoc>(
  { _id: String, algorithm: String, publicKeyPem: String, privateKeyPem: String, encrypted: Boolean, createdAt: Date, retiredAt: Date },
  { collection: 'report_keys', versionKey: false },
);
export const REPORT_KEY_MODEL = 'ReportKey';
/** The secret that encrypts report private keys at rest (REPORT_KEY_SECRET); empty stores them in plain. */
export const REPORT_KEY_SECRET = Symbol('REPORT_KEY_SECRET');

const published = (d: Omit<ReportKeyDoc, 'privateKeyPem'>): PublicReportKey => ({
  keyId: d._id,
  algorithm: 'Ed25519',
  publicKeyPem: d.publicKeyPem,
  createdAt: new Date(d.createdAt).toISOString(),
  ...(d.retiredAt ? { retiredAt: new Date(d.retiredAt).toISOString() } : {}),
});

/**
 * The service's report keys: the newest key that is not retired signs; every key ever made stays published, so
 * reports signed before a rotation still verify. The collection holds a handful of documents, read whole.
 */
@Injectable()
export class ReportKeysRepository implements OnModuleInit {
  private readonly logger = new Logger('ReportKeys');

  constructor(
    @InjectModel(REPORT_KEY_MODEL) private readonly keys: Model<ReportKeyDoc>,
    @Inject(REPORT_KEY_SECRET) private readonly secret: string,
  ) {}

  onModuleInit(): void {
    if (!this.secret) this.logger.warn('REPORT_KEY_SECRET is not set: report signing keys are stored UNENCRYPTED in report_keys.');
  }

  /** Every key, oldest first, without private parts. */
  async publicKeys(): Promise<PublicReportKey[]> {
    const docs = await this.keys.find({}, { privateKeyPem: 0 }).lean().exec();
    return docs.sort((a, b) => +a.createdAt - +b.createdAt).map(published);
  }

  /** The key that signs now; the first one is made on first use. */
  async signingKey(): Promise<ReportSigningKey> {
    const docs = await this.keys.find({ retiredAt: { $exists: false } }).lean().exec();
    // Two instances may each make a first key at once: both are valid, the newest signs.
    const current = docs.sort((a, b) => +b.createdAt - +a.createdAt || (a._id < b._id ? 1 : -1))[0] ?? (await this.create());
    return { keyId: current._id, privateKey: this.privateKeyOf(current) };
  }

  /** Makes a new signing key and retires the others (they keep verifying what they signed). */
  async rotate(): Promise<PublicReportKey> {
    const doc = await this.create();
    // No transactions: the new key exists before the old ones retire, so there is always a key to sign with.
    await this.keys.updateMany({ _id: { $ne: doc._id }, retiredAt: { $exists: false } }, { $set: { retiredAt: doc.createdAt } }).exec();
    return published(doc);
  }

  private async create(): Promise<ReportKeyDoc> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    if (!this.secret) this.logger.warn('REPORT_KEY_SECRET is not set: the new report private key is stored UNENCRYPTED in report_keys. Set it in production.');
    const doc: ReportKeyDoc = {
      _id: keyIdOf(publicKey),
      algorithm: 'Ed25519',
      publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      privateKeyPem: (this.secret
        ? privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: this.secret })
        : privateKey.export({ format: 'pem', type: 'pkcs8' })
      ).toString(),
      encrypted: Boolean(this.secret),
      createdAt: new Date(),
    };
    await this.keys.create(doc);
    return doc;
  }

  private privateKeyOf(doc: ReportKeyDoc) {
    if (doc.encrypted && !this.secret) throw new Error(`report key ${doc._id} is encrypted and REPORT_KEY_SECRET is not set`);
    const key = createPrivateKey(doc.encrypted ? { key: doc.privateKeyPem, format: 'pem', passphrase: this.secret } : doc.privateKeyPem);
    // A wrong secret fails above; a swapped document would not match its own id.
    if (keyIdOf(createPublicKey(key)) !== doc._id) throw new Error(`report key ${doc._id} does not match its id`);
    return key;
  }
}
