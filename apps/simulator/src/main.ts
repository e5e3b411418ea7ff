/**
 * The shop-floor simulator: `npm run simulate -- --seed 7 --units 500 --out run.ndjson` writes a seeded EMS
 * event stream (contract v1) to a file; with `--brokers` (or without `--out`) it produces it to Kafka;
 * `--replay FILE` sends a file written earlier. See apps/simulator/README.md.
 */
import { parseArgs } from 'node:util';
import { SOURCE_TOPICS } from '@trace/contracts';
import { createKafka, ensureTopics, produceByTopic, topicSettingsOf } from '@trace/platform';
import { FaultSummary, SimMessage, describeFaults, emptyFaultSummary } from './faults';
import { readNdjson, writeLines, writeNdjson } from './ndjson';
import { cfxStream } from './cfx-format';
import { writeFileSync } from 'node:fs';
import { ProgressBar, formatDuration } from './progress';
import { simulatedMessages } from './simulation';
import { ShopFloorOptions, shopFloorEvents } from './shop-floor';

const USAGE = `usage: npm run simulate -- [options]
  --seed N              seed of the simulation (default 1); same seed and flags, same events
  --units N             finished units to build, sub-assemblies not counted (default 100)
  --parts-per-board N   placements on a top-level board (default 300)
  --brands N            brands sharing vendors and parts (default 3)
  --lines N             SMT lines on the site (default 6)
  --duplicates P        fraction of events sent twice (default 0)
  --reorder P           fraction of events held back behind later events (default 0)
  --invalid P           fraction of events followed by an invalid message (default 0)
  --out FILE            write the messages to FILE (NDJSON) instead of Kafka
  --format F            contract (default) or cfx: with --out, the stream as a line publishes it in IPC-CFX, one
                        envelope a line, with splices and grey zones; FILE.work-orders.json gets CFX_WORK_ORDERS
  --replay FILE         send the messages of FILE (written by --out) instead of simulating
  --brokers LIST        produce to these Kafka brokers (default $KAFKA_BROKERS or 127.0.0.1:9092)
  --topic-prefix P      prefix of every topic name (default $TOPIC_PREFIX or none)
  --partitions N        partitions of topics the simulator creates (default 3)
Produces to Kafka when --brokers is given or --out is not.`;

interface Cli {
  sim: ShopFloorOptions;
  faults: { duplicates: number; reorder: number; invalid: number };
  out?: string;
  format: 'contract' | 'cfx';
  replay?: string;
  brokers?: string;
  topicPrefix: string;
  partitions: number;
}

function parseCli(argv: string[]): Cli | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      seed: { type: 'string', default: '1' },
      units: { type: 'string', default: '100' },
      'parts-per-board': { type: 'string', default: '300' },
      brands: { type: 'string', default: '3' },
      lines: { type: 'string', default: '6' },
      duplicates: { type: 'string', default: '0' },
      reorder: { type: 'string', default: '0' },
      invalid: { type: 'string', default: '0' },
      out: { type: 'string' },
      format: { type: 'string', default: 'contract' },
      replay: { type: 'string' },
      brokers: { type: 'string' },
      'topic-prefix': { type: 'string' },
      partitions: { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const int = (name: keyof typeof values, min: number): number => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, not ${String(values[name])}`);
    return n;
  };
  const fraction = (name: 'duplicates' | 'reorder' | 'invalid'): number => {
    const p = Number(values[name]);
    if (!Number.isFinite(p) || p < 0 || p > 1) throw new Error(`--${name} must be a fraction between 0 and 1, not ${values[name]}`);
    return p;
  };
  if (values.out && values.replay) throw new Error('--out and --replay do not go together: a replay sends a file to Kafka');
  if (values.format !== 'contract' && values.format !== 'cfx') throw new Error(`--format must be contract or cfx, not ${String(values.format)}`);
  if (values.format === 'cfx' && (!values.out || values.brokers || values.replay)) throw new Error('--format cfx writes to a file: give --out, and neither --brokers nor --replay');
  const seed = int('seed', 0);
  if (seed > 0xffffffff) throw new Error('--seed must fit in 32 bits');
  return {
    sim: { seed, units: int('units', 1), partsPerBoard: int('parts-per-board', 6), brands: int('brands', 1), lines: int('lines', 1) },
    faults: { duplicates: fraction('duplicates'), reorder: fraction('reorder'), invalid: fraction('invalid') },
    out: values.out,
    format: values.format,
    replay: values.replay,
    brokers: values.brokers ?? (values.out ? undefined : (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')),
    topicPrefix: values['topic-prefix'] ?? process.env.TOPIC_PREFIX ?? '',
    partitions: int('partitions', 1),
  };
}

const err = (line: string): void => void process.stderr.write(`${line}\n`);

async function count(messages: Iterable<SimMessage> | AsyncIterable<SimMessage>): Promise<number> {
  let n = 0;
  for await (const _ of messages) n++;
  return n;
}

async function produce(cli: Cli & { brokers: string }, messages: () => Iterable<SimMessage> | AsyncIterable<SimMessage>, total: number): Promise<void> {
  const kafka = createKafka('trace-simulator', cli.brokers);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, SOURCE_TOPICS.map((t) => cli.topicPrefix + t), cli.partitions, 60_000, topicSettingsOf(cli.topicPrefix));
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const bar = new ProgressBar(total, `producing to ${cli.brokers}`);
  const send = async (chunk: SimMessage[]): Promise<void> => {
    await produceByTopic(producer, chunk.map((m) => ({ topic: m.topic, key: m.key, value: m.value })), cli.topicPrefix);
    bar.add(chunk.length);
  };
  try {
    let chunk: SimMessage[] = [];
    for await (const m of messages()) {
      chunk.push(m);
      if (chunk.length >= 2_000) {
        await send(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) await send(chunk);
    bar.finish();
  } finally {
    await producer.disconnect();
  }
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  if (!cli) {
    err(USAGE);
    return;
  }
  const started = Date.now();
  if (cli.replay) {
    const file = cli.replay;
    const total = await count(readNdjson(file));
    err(`replaying ${total} messages of ${file}`);
    await produce({ ...cli, brokers: cli.brokers ?? '127.0.0.1:9092' }, () => readNdjson(file), total);
    err(`done in ${formatDuration((Date.now() - started) / 1000)}`);
    return;
  }
  if (cli.format === 'cfx') {
    const stream = cfxStream(shopFloorEvents(cli.sim));
    const n = await writeLines(cli.out!, stream.envelopes);
    writeFileSync(`${cli.out!}.work-orders.json`, `${JSON.stringify(stream.workOrders, null, 2)}\n`);
    err(`wrote ${n} CFX envelopes to ${cli.out!} (and CFX_WORK_ORDERS to ${cli.out!}.work-orders.json) in ${formatDuration((Date.now() - started) / 1000)}`);
    err(`events without a CFX message, not written: ${JSON.stringify(stream.skipped)}`);
    return;
  }
  let summary: FaultSummary = emptyFaultSummary();
  const fresh = (): Iterable<SimMessage> => simulatedMessages(cli.sim, cli.faults, (summary = emptyFaultSummary()));
  if (cli.out) {
    const n = await writeNdjson(cli.out, fresh());
    err(`wrote ${n} messages to ${cli.out} in ${formatDuration((Date.now() - started) / 1000)}`);
  }
  if (cli.brokers) {
    const total = await count(fresh()); // the stream is pure: a dry pass gives the exact total for the ETA
    await produce({ ...cli, brokers: cli.brokers }, fresh, total);
  }
  const s = cli.sim;
  process.stdout.write(
    `simulation seed=${s.seed} units=${s.units} parts-per-board=${s.partsPerBoard} brands=${s.brands} lines=${s.lines}\n` +
      describeFaults(summary).map((l) => `  ${l}\n`).join(''),
  );
}

main().catch((error: unknown) => {
  err(`simulate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
