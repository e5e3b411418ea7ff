import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical-json';

// One signature scheme for the three formats: the Ed25519 signature of the 32-byte SHA-256 digest of the signed
// content. What the signed content is depends on the format, chosen so that anyone can check it with openssl:
//   CSV and PDF: every byte before the last line; the last line is the signature trailer
//                (`#` starts it in CSV, `%` in PDF: a comment in both).
//   JSON:        the RFC 8785 canonical JSON of the document without its `signature` member; the file itself must be
//                the canonical JSON of the whole document, so that no byte can change without failing.

export type ReportFormat = 'json' | 'csv' | 'pdf';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'csv', 'pdf'];

/** The key a report is signed with. */
export interface ReportSigningKey {
  keyId: string;
  privateKey: KeyObject;
}

/** A published report key: what a verifier needs. */
export interface PublicReportKey {
  keyId: string;
  algorithm: 'Ed25519';
  /** SubjectPublicKeyInfo, PEM: `openssl pkeyutl -verify -pubin -inkey` reads it as is. */
  publicKeyPem: string;
  createdAt: string;
  /** Set once a newer key took over signing; reports signed before still verify with this key. */
  retiredAt?: string;
}

/** The `signature` member of a JSON report. */
export interface JsonReportSignature {
  algorithm: 'Ed25519';
  digest: string;
  keyId: string;
  signedContent: string;
  value: string;
}

export type VerificationResult =
  | { valid: true; format: ReportFormat; keyId: string; digest: string }
  | { valid: false; format?: ReportFormat; keyId?: string; reason: string };

// inspectSignedReport repeats these as literals: it must not refer to anything outside itself.
const TRAILER_TAG = 'ems-trace-signature v1';
const SIGNED_CONTENT = 'RFC 8785 canonical JSON of this document without its signature member';

/** SHA-256 of bytes. */
export const sha256 = (bytes: Buffer | string): Buffer => createHash('sha256').update(bytes).digest();

/** The key id of a public key: derived from the key itself, so an id can never name two keys. */
export const keyIdOf = (publicKey: KeyObject): string =>
  'rk-' + sha256(publicKey.export({ format: 'der', type: 'spki' })).toString('hex').slice(0, 16);

const signDigest = (digest: Buffer, key: ReportSigningKey): string => sign(null, digest, key.privateKey).toString('base64');

/** Signs a CSV or PDF: the content (made to end with a newline) followed by one signature trailer line. */
export function signWithTrailer(format: 'csv' | 'pdf', content: Buffer, key: ReportSigningKey): Buffer {
  const body = content.length > 0 && content[content.length - 1] === 0x0a ? content : Buffer.concat([content, Buffer.from('\n')]);
  return Buffer.concat([body, signatureTrailer(format, sha256(body), key)]);
}

/** The signature trailer line of a CSV or PDF whose content (ending with a newline) has this SHA-256 digest. */
export function signatureTrailer(format: 'csv' | 'pdf', digest: Buffer, key: ReportSigningKey): Buffer {
  return Buffer.from(`${format === 'csv' ? '#' : '%'}${TRAILER_TAG} alg=Ed25519 key=${key.keyId} sha256=${digest.toString('hex')} sig=${signDigest(digest, key)}\n`, 'latin1');
}

/** Signs a JSON document: adds a `signature` member; the result is the canonical JSON of the whole. */
export function signJson(document: Record<string, unknown>, key: ReportSigningKey): Buffer {
  const { signature: _ignored, ...rest } = document;
  const digest = sha256(canonicalJson(rest));
  const signature: JsonReportSignature = {
    algorithm: 'Ed25519',
    digest: `sha256:${digest.toString('hex')}`,
    keyId: key.keyId,
    signedContent: SIGNED_CONTENT,
    value: signDigest(digest, key),
  };
  return Buffer.from(canonicalJson({ ...rest, signature }), 'utf8');
}

/** The format of a signed report, from its first bytes. */
export function detectFormat(file: Buffer): ReportFormat {
  if (file.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (file[0] === 0x7b /* { */) return 'json';
  return 'csv';
}

/**
 * What a signed file states (format, key id, digest, signature) and the digest its content really has: the costly part
 * of a verification (hashing, and for JSON parsing and canonicalizing), which needs no key. It uses nothing but its
 * arguments and globals, so that a worker thread can run it from its source text (see report-verifier.ts).
 */
export function inspectSignedReport(file: Uint8Array, tools: { sha256Hex: (bytes: Uint8Array | string) => string; canonicalJson: (value: unknown) => string }): ReportInspection {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const format: ReportFormat = bytes.subarray(0, 5).toString('latin1') === '%PDF-' ? 'pdf' : bytes[0] === 0x7b ? 'json' : 'csv';
  if (format === 'json') {
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch {
      return { format, invalid: 'not valid JSON' };
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { format, invalid: 'not a JSON report' };
    const { signature, ...rest } = doc as Record<string, unknown>;
    const s = signature as Partial<JsonReportSignature> | undefined;
    if (!s || typeof s !== 'object' || tools.canonicalJson(Object.keys(s).sort()) !== '["algorithm","digest","keyId","signedContent","value"]') return { format, invalid: 'no signature member' };
    if (
      s.algorithm !== 'Ed25519' || s.signedContent !== 'RFC 8785 canonical JSON of this document without its signature member' || typeof s.keyId !== 'string' ||
      typeof s.value !== 'string' || typeof s.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(s.digest)
    )
      return { format, invalid: 'the signature member is malformed' };
    if (!Buffer.from(tools.canonicalJson(doc), 'utf8').equals(bytes)) return { format, keyId: s.keyId, invalid: 'the file is not the canonical JSON of its content: it was changed' };
    return { format, keyId: s.keyId, digest: tools.sha256Hex(tools.canonicalJson(rest)), stated: s.digest.slice('sha256:'.length), signature: s.value };
  }
  if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a) return { format, invalid: 'no signature trailer (the last line)' };
  const start = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
  const match = /^([#%])ems-trace-signature v1 alg=Ed25519 key=([A-Za-z0-9._-]{1,64}) sha256=([0-9a-f]{64}) sig=([A-Za-z0-9+/]{86}==)\n$/.exec(bytes.subarray(start).toString('latin1'));
  if (!match || match[1] !== (format === 'csv' ? '#' : '%')) return { format, invalid: 'no signature trailer (the last line)' };
  const [, , keyId, stated, signature] = match as unknown as [string, string, string, string, string];
  return { format, keyId, digest: tools.sha256Hex(bytes.subarray(0, start)), stated, signature };
}

/** What inspectSignedReport found: a file that cannot be valid, or what it states and the digest of its content. */
export type ReportInspection =
  | { format: ReportFormat; keyId?: string; invalid: string }
  | { format: ReportFormat; keyId: string; digest: string; stated: string; signature: string };

/** The node:crypto and canonical JSON that inspectSignedReport needs, in this thread. */
export const INSPECTION_TOOLS = { sha256Hex: (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex'), canonicalJson };

/** The verdict on an inspected report: its stated digest is its content's, and its signature is one of `keys`' over it. */
export function judgeInspection(found: ReportInspection, keys: readonly PublicReportKey[]): VerificationResult {
  const { format } = found;
  if ('invalid' in found) return { valid: false, format, ...(found.keyId ? { keyId: found.keyId } : {}), reason: found.invalid };
  const { keyId, stated, signature } = found;
  if (stated !== found.digest) return { valid: false, format, keyId, reason: 'the content does not match the signed digest: the report was changed' };
  const key = keys.find((k) => k.keyId === keyId);
  if (!key) return { valid: false, format, keyId, reason: `unknown report key ${keyId}` };
  const sig = Buffer.from(signature, 'base64');
  // Base64 has spare bits: a changed character that decodes to the same bytes is still a changed byte.
  if (sig.length !== 64 || sig.toString('base64') !== signature) return { valid: false, format, keyId, reason: 'the signature is malformed' };
  const ok = verify(null, Buffer.from(stated, 'hex'), createPublicKey(key.publicKeyPem), sig);
  return ok ? { valid: true, format, keyId, digest: `sha256:${stated}` } : { valid: false, format, keyId, reason: 'the signature does not match: not signed by this key, or changed' };
}

/**
 * Whether a signed report is authentic and unchanged: signed by one of `keys` (by key id) and byte for byte what
 * was signed. Any changed, added or removed byte fails. Synchronous, in this thread: the API uses ReportVerifier.
 */
export function verifyReport(file: Buffer, keys: readonly PublicReportKey[]): VerificationResult {
  return judgeInspection(inspectSignedReport(file, INSPECTION_TOOLS), keys);
}
