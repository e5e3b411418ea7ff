import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventRecorder, GraphDigester, GraphWriteRepository, formatDigest } from '@trace/genealogy';
import { PlatformEnv, loadEnv } from '@trace/platform';
import { Presets, SingleBar } from 'cli-progress';
import { GRAPH_EXIT, GraphCommandError, ReplayProgress, messageOf, replayTopics } from './graph-rebuild';
import { GraphCliModule } from './graph.module';
import { UsageError, parseCommandLine } from './usage';

export const GRAPH_USAGE = `usage:
  graph digest                               the digest of the graph at MONGO_URL: per collection the count and a
                                             sha256 of its documents, then one for the whole graph
  graph rebuild --target MONGO_URL [--force] replay every trace topic (KAFKA_BROKERS, TOPIC_PREFIX) from its earliest
                                             offset into the database at MONGO_URL (its path names it) up to the end
                                             offsets taken at the start, then print the digest of the rebuilt graph;
                                             a target that holds a graph already is refused unless --force (replays
                                             over it: writes are idempotent, nothing is removed)
  graph recopy                               copy every approval's and deviation's own document at MONGO_URL to the
                                             documents of the parts it names, as the ingest does after each batch, so
                                             parts written before those copies existed are judged in one round trip
                                             without a rebuild; safe while an ingest that writes the copies runs
                                             (not beside an older version's), and again (idempotent)
  exit status: 0 done, 1 failed, 2 usage, 3 target not empty, 4 brokers unreachable, 5 database unreachable`;

/** The parsed `graph` command line. */
export type GraphArgs = { command: 'digest' } | { command: 'recopy' } | { command: 'rebuild'; target: string; force: boolean };

export function parseGraphArgs(args: string[]): GraphArgs {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'digest': {
      const { positionals } = parseCommandLine(rest, {});
      if (positionals.length > 0) throw new UsageError(`graph digest takes no argument (the database is MONGO_URL), not ${positionals[0]!}`);
      return { command: 'digest' };
    }
    case 'recopy': {
      const { positionals } = parseCommandLine(rest, {});
      if (positionals.length > 0) throw new UsageError(`graph recopy takes no argument (the database is MONGO_URL), not ${positionals[0]!}`);
      return { command: 'recopy' };
    }
    case 'rebuild': {
      const { values, positionals } = parseCommandLine(rest, { target: { type: 'string' }, force: { type: 'boolean' } });
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]!}`);
      const target = values.target;
      if (!target) throw new UsageError('graph rebuild needs --target MONGO_URL, the database to rebuild the graph into');
      if (!/^mongodb(\+srv)?:\/\//.test(target)) throw new UsageError('--target must be a mongodb:// or mongodb+srv:// URL');
      // No default database: a target that named none would be MONGO_DB, the live graph's name.
      if (!/^mongodb(?:\+srv)?:\/\/[^/]+\/[^/?]+/.test(target)) throw new UsageError('--target must name its database in its path (mongodb://host:27017/trace_rebuilt)');
      return { command: 'rebuild', target, force: values.force === true };
    }
    default:
      throw new UsageError(sub ? `unknown command graph ${sub}` : 'missing command');
  }
}

/** Where the command writes: the digest on out, everything for a person on err. */
export interface GraphIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Runs `graph ...`: returns the exit status (see GRAPH_USAGE). */
export async function runGraph(args: string[], environment: NodeJS.ProcessEnv = process.env, io: GraphIo = { out: process.stdout, err: process.stderr }): Promise<number> {
  let parsed: GraphArgs;
  try {
    parsed = parseGraphArgs(args);
  } catch (error) {
    io.err.write(`${messageOf(error)}\n${GRAPH_USAGE}\n`);
    return GRAPH_EXIT.usage;
  }
  try {
    const env = loadEnv(PlatformEnv, environment);
    if (parsed.command === 'digest') await digest(env.MONGO_URL, env, io);
    else if (parsed.command === 'recopy') await recopy(env.MONGO_URL, env, io);
    else await rebuild(parsed, env, io);
    return GRAPH_EXIT.ok;
  } catch (error) {
    io.err.write(`graph ${parsed.command}: ${messageOf(error)}\n`);
    return error instanceof GraphCommandError ? error.exitCode : GRAPH_EXIT.failed;
  }
}

async function digest(mongoUrl: string, env: PlatformEnv, io: GraphIo): Promise<void> {
  const app = await openGraph(mongoUrl, env);
  try {
    io.out.write(formatDigest(await app.get(GraphDigester).digest()).join('\n') + '\n');
  } finally {
    await app.close();
  }
}

async function recopy(mongoUrl: string, env: PlatformEnv, io: GraphIo): Promise<void> {
  const app = await openGraph(mongoUrl, env);
  try {
    const writer = app.get(GraphWriteRepository);
    const started = Date.now();
    const bar = progressBar(io, 'recopy [{bar}] {percentage}% | {value}/{total} own documents | {rate}/s | ETA {eta_formatted}');
    bar.start(await writer.ownAuthorityDocuments());
    let done: Awaited<ReturnType<GraphWriteRepository['recopyParts']>>;
    try {
      done = await writer.recopyParts((n) => bar.advance(n));
    } finally {
      bar.stop();
    }
    const seconds = (Date.now() - started) / 1000;
    io.out.write(`recopied ${done.brandApprovals} approvals and ${done.brandDeviations} deviations to their parts' documents in ${seconds.toFixed(1)} s\n`);
  } finally {
    await app.close();
  }
}

async function rebuild({ target, force }: { target: string; force: boolean }, env: PlatformEnv, io: GraphIo): Promise<void> {
  const app = await openGraph(target, env);
  try {
    const digester = app.get(GraphDigester);
    const held = await digester.nonEmptyCollections();
    if (held.length > 0 && !force) {
      throw new GraphCommandError(
        `the target ${redacted(target)} holds a graph already (${held.join(', ')}): rebuild into an empty database, or give --force to replay over it (it adds what is missing and removes nothing)`,
        GRAPH_EXIT.targetNotEmpty,
      );
    }
    const log = (line: string) => void io.err.write(`${line}\n`);
    if (held.length > 0) log(`replaying over the graph in ${redacted(target)} (--force): ${held.join(', ')} hold documents already`);
    const progress = progressBar(io, 'rebuild [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | lag {lag} | ETA {eta_formatted}');
    const result = await replayTopics({ brokers: env.KAFKA_BROKERS, topicPrefix: env.TOPIC_PREFIX, recorder: app.get(EventRecorder), progress, log });
    const rate = result.seconds > 0 ? Math.round(result.messages / result.seconds) : 0;
    log(
      `rebuilt ${redacted(target)} from ${result.messages} messages in ${result.seconds.toFixed(1)} s (${rate} messages/s): ${result.recorded} events recorded, ` +
        `${result.invalid} invalid (the live ingest dead-lettered them when it read them; not published again); consumer group ${result.groupId}`,
    );
    io.out.write(formatDigest(await digester.digest()).join('\n') + '\n');
  } finally {
    await app.close();
  }
}

async function openGraph(mongoUrl: string, env: PlatformEnv): Promise<INestApplicationContext> {
  try {
    return await NestFactory.createApplicationContext(GraphCliModule.forRoot(mongoUrl, env), { logger: false, abortOnError: false });
  } catch (error) {
    throw new GraphCommandError(`cannot reach the database at ${redacted(mongoUrl)}: ${messageOf(error)}`, GRAPH_EXIT.databaseUnreachable);
  }
}

/** The URL without its password, for messages. */
const redacted = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/** A replay's progress (ReplayProgress), or a recopy's (no lag). */
type Progress = Omit<ReplayProgress, 'advance'> & { advance(n: number, lag?: number): void };

// cli-progress: a bar redrawn in place on a terminal; where stderr is no terminal (a log, CI), a plain line every 5 s.
function progressBar(io: GraphIo, format: string): Progress {
  const started = Date.now();
  const bar = new SingleBar(
    {
      stream: io.err,
      format,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
      etaBuffer: 100,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let done = 0;
  return {
    start: (total) => bar.start(total, 0, { rate: 0, lag: total }),
    advance: (n, lag) => {
      done += n;
      bar.update(done, { rate: Math.round(done / Math.max(0.001, (Date.now() - started) / 1000)), ...(lag !== undefined ? { lag } : {}) });
    },
    stop: () => bar.stop(),
  };
}
