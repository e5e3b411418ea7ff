import { gunzipSync } from 'node:zlib';

/** Why the bridge refused CFX. Stable codes: the `dlq.reason` header of the CFX dead-letter topic. */
export type CfxRejectReason =
  | 'INVALID_ENCODING' // the body claims gzip (or looks like it) and does not inflate
  | 'INVALID_JSON' // not JSON, or JSON that is neither an envelope nor a list of envelopes
  | 'INVALID_ENVELOPE' // no MessageName, no UniqueID, or a TimeStamp without an offset
  | 'UNKNOWN_MESSAGE' // a MessageName that is no CFX message
  | 'INVALID_BODY' // the MessageBody does not fit its message, or what it maps to breaks the contract
  | 'MISSING_ID' // a unit or package the message is about has no identifier
  | 'UNMAPPED_WORK_ORDER'; // a unit of a work order the bridge has no brand and product for

export type Decoded = { ok: true; envelopes: unknown[] } | { ok: false; reason: CfxRejectReason; errors: string[] };

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The envelopes in one AMQP message body: gzip inflated (the SDK's default codec, signalled by the content encoding;
 * also recognised by its magic bytes), UTF-8, JSON; a top-level array is a list of envelopes.
 */
export function decodeCfx(body: Buffer, contentEncoding?: string): Decoded {
  let bytes = body;
  const gzipped = contentEncoding?.toLowerCase() === 'gzip' || (body[0] === GZIP_MAGIC[0] && body[1] === GZIP_MAGIC[1]);
  if (gzipped) {
    try {
      bytes = gunzipSync(body);
    } catch (e) {
      return { ok: false, reason: 'INVALID_ENCODING', errors: [`gzip: ${(e as Error).message}`] };
    }
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: 'INVALID_JSON', errors: [(e as Error).message] };
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) return { ok: false, reason: 'INVALID_JSON', errors: ['an empty list of envelopes'] };
    return { ok: true, envelopes: parsed };
  }
  if (parsed === null || typeof parsed !== 'object') {
    return { ok: false, reason: 'INVALID_JSON', errors: ['a CFX message is a JSON object (an envelope) or a list of them'] };
  }
  return { ok: true, envelopes: [parsed] };
}
