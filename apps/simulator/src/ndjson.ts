import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { SimMessage } from './faults';

/** One NDJSON line per message: `{"topic","key","value"}`, the value as the exact string sent, so a replay sends the same bytes. */
export const toLine = (m: SimMessage): string => JSON.stringify({ topic: m.topic, key: m.key, value: m.value });

export function fromLine(line: string, where: string): SimMessage {
  let m: Partial<SimMessage>;
  try {
    m = JSON.parse(line) as Partial<SimMessage>;
  } catch (e) {
    throw new Error(`${where}: not a JSON line (${(e as Error).message})`);
  }
  if (typeof m.topic !== 'string' || typeof m.key !== 'string' || typeof m.value !== 'string') {
    throw new Error(`${where}: expected {"topic": string, "key": string, "value": string}`);
  }
  return { topic: m.topic, key: m.key, value: m.value };
}

/** Writes messages to `file`, one line each, honouring back-pressure; resolves with the count. */
export async function writeNdjson(file: string, messages: Iterable<SimMessage>, onMessage?: () => void): Promise<number> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  let n = 0;
  for (const m of messages) {
    if (!out.write(`${toLine(m)}\n`)) await once(out, 'drain');
    n++;
    onMessage?.();
  }
  out.end();
  await once(out, 'finish');
  return n;
}

/** Writes values to `file` as NDJSON, one JSON value a line, honouring back-pressure; resolves with the count. */
export async function writeLines(file: string, values: Iterable<unknown>): Promise<number> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  let n = 0;
  for (const v of values) {
    if (!out.write(`${JSON.stringify(v)}\n`)) await once(out, 'drain');
    n++;
  }
  out.end();
  await once(out, 'finish');
  return n;
}

/** Reads the messages of an NDJSON file written by writeNdjson (blank lines are skipped). */
export async function* readNdjson(file: string): AsyncGenerator<SimMessage, void, undefined> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    yield fromLine(line, `${file}:${n}`);
  }
}
