/**
 * Replays a recorded IPC-CFX session into an AMQP 1.0 broker as the line's endpoints sent it, for `npm run demo` and its
 * test: one AMQP message per line of the file (an envelope, or a JSON list of envelopes), gzip-encoded with
 * `content-encoding: gzip` (the CFX SDK 2.x default) and the SDK's application properties.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Connection, EventContext, Sender, create_container, message as amqpMessage } from 'rhea';
import { connectionOptionsOf } from '../apps/cfx-bridge/src/cfx-amqp.consumer';

/**
 * The demo's recorded session: SMT line 1 builds panel PNL-GW-0003 (two Acme GW-100 gateways of work order WO-1002);
 * REEL-K3 is spliced onto REEL-K2 at feeder FDR-7 with a grey zone of 2, so C11 of GW100-0003 (and C10 of GW100-0004)
 * came from REEL-K2 or REEL-K3.
 */
export const DEMO_CFX_SESSION = {
  file: join(__dirname, 'demo-data', 'cfx-session.ndjson'),
  /** The serial whose genealogy shows the placements and the splice. */
  serial: 'GW100-0003',
  /** The bridge's mapping tables for this session (CFX_WORK_ORDERS, CFX_VENDOR_ALIASES), matching the demo's vendors. */
  bridgeEnv: {
    CFX_WORK_ORDERS: JSON.stringify({ 'WO-1002': { brand: 'Acme', productPartNumber: 'GW-100' } }),
    CFX_VENDOR_ALIASES: JSON.stringify({ 'V-TI': ['Texas Instruments Inc.'], 'V-UNUSED': ['KEMET Electronics Corp.'] }),
  },
} as const;

/** The AMQP messages of a recorded session: each non-blank line's JSON, with its MessageName (the first, for a list). */
export function recordedSession(file: string): { body: string; messageName: string; source: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, n) => ({ line: line.trim(), n: n + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        throw new Error(`${file}:${n} is no JSON: ${(error as Error).message}`);
      }
      const first = (Array.isArray(parsed) ? parsed[0] : parsed) as { MessageName?: unknown; Source?: unknown } | undefined;
      if (typeof first?.MessageName !== 'string') throw new Error(`${file}:${n} is no CFX envelope (no MessageName)`);
      return { body: line, messageName: first.MessageName, source: typeof first.Source === 'string' ? first.Source : 'cfx' };
    });
}

/** Sends every message of `file` to `address` in order; resolves once the broker accepted each (durable). */
export async function replayCfxSession(url: string, address: string, file: string = DEMO_CFX_SESSION.file): Promise<number> {
  const messages = recordedSession(file);
  const connection: Connection = create_container({ id: `cfx-replay-${process.pid}` }).connect({ ...connectionOptionsOf(url), reconnect: false });
  try {
    const sender = await new Promise<Sender>((resolve, reject) => {
      const s = connection.open_sender({ target: { address } });
      s.once('sendable', () => resolve(s));
      connection.once('disconnected', (c: EventContext) => reject(c.error ?? new Error(`no AMQP connection to ${url}`)));
    });
    for (const m of messages) {
      await new Promise<void>((resolve, reject) => {
        const delivery = sender.send({
          body: amqpMessage.data_section(gzipSync(Buffer.from(m.body, 'utf8'))),
          content_encoding: 'gzip',
          durable: true,
          message_id: randomUUID(),
          application_properties: { 'cfx-topic': m.messageName.replace(/\.[^.]+$/, ''), 'cfx-message': m.messageName, 'cfx-handle': m.source },
        });
        const settled = (c: EventContext): void => {
          if (c.delivery !== delivery) return;
          sender.removeListener('accepted', settled);
          sender.removeListener('rejected', settled);
          if (c.delivery.remote_state?.error) reject(new Error(`the broker refused ${m.messageName}: ${JSON.stringify(c.delivery.remote_state.error)}`));
          else resolve();
        };
        sender.on('accepted', settled);
        sender.on('rejected', settled);
      });
    }
    return messages.length;
  } finally {
    await new Promise<void>((resolve) => {
      if (!connection.is_open()) return resolve();
      const timer = setTimeout(resolve, 2_000);
      connection.once('connection_close', () => {
        clearTimeout(timer);
        resolve();
      });
      connection.close();
    });
  }
}
