/**
 * Local test stack without Docker: a real Apache Kafka 4.1.1 (KRaft, one node) and mongo-java-server 1.47.0
 * (MongoDB wire protocol, reports MongoDB 7.0.0) run as child JVMs from jars in `.stack/lib`; for the CFX bridge's
 * tests, Apache ActiveMQ Artemis 2.40.0 (AMQP 1.0) from `.stack/lib-amqp`.
 *
 * Module: `ensureJars()`, `startLocalStack()`, `startLocalAmqp()`. CLI: `ts-node --transpile-only test/stack/local-stack.ts setup|up`.
 * See test/stack/README.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { create_container } from 'rhea';

/** Root of the repository (this file lives in test/stack). */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Ignored working folder: jars in lib/, one folder per named stack with data and logs. */
const STACK_ROOT = path.join(REPO_ROOT, '.stack');
const LIB_DIR = path.join(STACK_ROOT, 'lib');
const POM = path.join(__dirname, 'pom.xml');
const MONGO_LAUNCHER = path.join(__dirname, 'MongoLauncher.java');
/** The AMQP 1.0 broker (Artemis, for the CFX bridge) has jars of its own: it needs Netty 4.1, mongo-java-server 4.2. */
const AMQP_POM = path.join(__dirname, 'amqp-pom.xml');
const AMQP_LIB_DIR = path.join(STACK_ROOT, 'lib-amqp');
const ARTEMIS_LAUNCHER = path.join(__dirname, 'ArtemisLauncher.java');
const AMQP_REQUIRED_JARS = ['artemis-server-2.40.0.jar', 'artemis-amqp-protocol-2.40.0.jar', 'proton-j-0.34.1.jar', 'slf4j-simple-2.0.17.jar'];
/** Written into LIB_DIR once every jar is in place; holds the hash of the pom it was made from. */
const STAMP_FILE = '.complete';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies';
/** Jars whose absence means the copy is unusable. */
const REQUIRED_JARS = [
  'kafka_2.13-4.1.1.jar',
  'kafka-server-4.1.1.jar',
  'log4j-slf4j-impl-2.24.3.jar',
  'log4j-core-2.24.3.jar',
  'mongo-java-server-1.47.0.jar',
  'mongo-java-server-memory-backend-1.47.0.jar',
  'mongo-java-server-h2-backend-1.47.0.jar',
];
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const LOG_TAIL_LINES = 25;

export interface LocalStackOptions {
  /** Folder name under .stack/ for data, config and logs (letters, digits, `.`, `_`, `-`). */
  name: string;
  kafkaPort: number;
  controllerPort: number;
  mongoPort: number;
  /** Address to bind and advertise; default 127.0.0.1. */
  host?: string;
  /** Names of the environment variables that override each port, quoted when a port is taken. */
  portEnv?: { kafka?: string; controller?: string; mongo?: string };
  /** false: MongoDB only (a Kafka cluster comes from startKafkaCluster); default true. */
  kafka?: boolean;
  /**
   * The stand-in's maximum heap (`-Xmx`), e.g. `8g`: its memory backend holds every document on it; default `1g`. Given,
   * the JVM also returns freed heap to the system (heap free ratios 10-40%).
   */
  mongoHeap?: string;
  /**
   * The stand-in's store: `memory` (mongo-java-server's memory backend, the default) or `compact` (the same with each
   * document held as its BSON bytes: MongoLauncher.java's CompactBackend). Default: STACK_MONGO_BACKEND, else memory.
   */
  mongoBackend?: 'memory' | 'compact';
}

export interface LocalStack {
  /** `host:port` of the Kafka broker, for kafkajs `brokers`. */
  kafkaBrokers: string;
  /** `mongodb://host:port`. */
  mongoUrl: string;
  /** The stand-in's JVM: its pid (for its memory figures) and the heap it was given. */
  mongo: { pid: number | undefined; heap: string };
  /** SIGTERM both servers and wait for them to exit (SIGKILL after 10 s). Safe to call twice. */
  stop(): Promise<void>;
}

function log(message: string): void {
  process.stderr.write(`[local-stack] ${message}\n`);
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One pom and the folder its runtime jars are copied into. */
interface JarSet {
  pom: string;
  libDir: string;
  required: string[];
}
const CORE_JARS: JarSet = { pom: POM, libDir: LIB_DIR, required: REQUIRED_JARS };
const AMQP_JARS: JarSet = { pom: AMQP_POM, libDir: AMQP_LIB_DIR, required: AMQP_REQUIRED_JARS };

function jarsReady(set: JarSet = CORE_JARS): boolean {
  const stamp = path.join(set.libDir, STAMP_FILE);
  return fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === sha256(fs.readFileSync(set.pom, 'utf8'));
}

interface RunResult {
  code: number | null;
  output: string;
  spawnError?: NodeJS.ErrnoException;
}

/** Runs a command, echoing its output to stderr and keeping it for error messages. */
function run(command: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer): void => {
      // eslint-disable-next-line no-control-regex -- ANSI colour codes are control characters by definition
      const text = chunk.toString().replace(/\x1b\[[0-9;]*m/g, ''); // Maven's colour resets, even with -B -q
      output += text;
      process.stderr.write(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (spawnError: NodeJS.ErrnoException) => resolve({ code: null, output, spawnError }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function mavenFailure(result: RunResult, commandLine: string): Error {
  if (result.spawnError?.code === 'ENOENT') {
    return new Error(
      "Maven ('mvn') is not on PATH: it is needed once to fetch the Kafka and mongo-java-server jars into .stack/lib. " +
        'Install Maven 3.6+ and Java 17+ (Debian: apt-get install maven openjdk-17-jdk-headless).',
    );
  }
  if (result.spawnError) {
    return new Error(`Could not run Maven (${commandLine}): ${result.spawnError.message}`);
  }
  const lines = result.output.trim().split('\n');
  const errors = lines.filter((line) => /^\[ERROR\] \S/.test(line) && !/^\[ERROR\] (To see|Re-run|For more|\[Help)/.test(line));
  const tail = (errors.length > 0 ? errors.slice(0, 3) : lines.slice(-15)).join('\n');
  const offline =
    /Could not transfer|Could not resolve|UnknownHost|Unknown host|Connection refused|Network is unreachable|timed out|Connect to .* failed|offline mode/i.test(
      result.output,
    );
  const reason = offline
    ? 'Maven could not download the jars: is Maven Central (or the mirror in ~/.m2/settings.xml) reachable from here?'
    : `Maven exited with code ${String(result.code)} while copying the stack's jars.`;
  return new Error(`${reason}\nCommand: ${commandLine}\n${tail ? `Maven said:\n${tail}` : '(no output)'}`);
}

/**
 * Makes sure .stack/lib holds the jars of test/stack/pom.xml (Kafka, mongo-java-server) and .stack/lib-amqp those of
 * test/stack/amqp-pom.xml (Artemis), running Maven when they are missing or stale.
 */
export async function ensureJars(): Promise<void> {
  await ensureJarSet(CORE_JARS);
  await ensureJarSet(AMQP_JARS);
}

async function ensureJarSet(set: JarSet): Promise<void> {
  const { pom, libDir, required } = set;
  if (jarsReady(set)) return;
  const pomHash = sha256(fs.readFileSync(pom, 'utf8'));
  const staging = `${libDir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const args = ['-B', '-q', '-Dstyle.color=never', '-f', pom, DEPENDENCY_PLUGIN, '-DincludeScope=runtime', `-DoutputDirectory=${staging}`];
  const commandLine = `mvn ${args.join(' ')}`;
  log(`fetching the stack's jars (once; needs Maven Central): ${commandLine}`);
  const started = Date.now();
  try {
    const result = await run('mvn', args, REPO_ROOT);
    if (result.code !== 0) throw mavenFailure(result, commandLine);
    const jars = fs.readdirSync(staging).filter((file) => file.endsWith('.jar'));
    const missing = required.filter((jar) => !jars.includes(jar));
    if (missing.length > 0) {
      throw new Error(`Maven succeeded but these jars are missing from ${staging}: ${missing.join(', ')}`);
    }
    fs.writeFileSync(path.join(staging, STAMP_FILE), `${pomHash}\n`);
    fs.rmSync(libDir, { recursive: true, force: true });
    try {
      fs.renameSync(staging, libDir);
    } catch (err) {
      if (!jarsReady(set)) throw err; // another process put the same jars in place meanwhile
    }
    log(`${jars.length} jars in ${path.relative(REPO_ROOT, libDir)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Child process bookkeeping: children never outlive this process.

const liveChildren = new Set<ChildProcess>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** Children this process asked to stop (or that got the signal it got): their exit is expected, whatever its code. */
const stopAsked = new WeakSet<ChildProcess>();

function killAllNow(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
}

function onSignal(signal: NodeJS.Signals): void {
  // A Ctrl-C reaches the whole process group, the JVMs too: their exit from it is the one asked for.
  for (const child of liveChildren) stopAsked.add(child);
  if (process.listenerCount(signal) > 1) {
    // Someone else (the `up` CLI, the demo) handles the signal and stops the stack when it is ready: the demo first
    // stops the apps that use Kafka, so stopping the servers here would cut them off mid-close. The 'exit' handler
    // still kills whatever is left, so no server outlives this process.
    return;
  }
  process.exit(128 + (os.constants.signals[signal] ?? 1)); // the 'exit' handler kills the children
}

function track(child: ChildProcess): void {
  if (liveChildren.size === 0) {
    process.on('exit', killAllNow);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  liveChildren.add(child);
  child.once('exit', () => {
    liveChildren.delete(child);
    if (liveChildren.size === 0) {
      process.removeListener('exit', killAllNow);
      for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    }
  });
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  stopAsked.add(child);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** True if `pid` runs; a zombie (killed, not yet reaped by its new parent) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

interface PidFile {
  parent: number;
  children: number[];
}

/** Kills JVMs of this stack left behind by a parent that died without cleaning up (e.g. SIGKILL); true if any. */
async function reapOrphans(stackDir: string, tag: string): Promise<boolean> {
  const pidFile = path.join(stackDir, 'pids.json');
  if (!fs.existsSync(pidFile)) return false;
  let recorded: PidFile;
  try {
    recorded = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as PidFile;
  } catch {
    fs.rmSync(pidFile, { force: true });
    return false;
  }
  if (isAlive(recorded.parent)) return false; // a live stack of another process: the port check will say so
  let reaped = false;
  for (const pid of recorded.children) {
    let cmdline = '';
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // gone (or no /proc): nothing to do
    }
    if (!cmdline.includes(tag)) continue; // pid reused by something else
    log(`killing pid ${pid} left over from an earlier run of ${path.basename(stackDir)} (its parent ${recorded.parent} is gone)`);
    try {
      process.kill(pid, 'SIGKILL');
      reaped = true;
    } catch {
      continue;
    }
    for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
  }
  fs.rmSync(pidFile, { force: true });
  return reaped;
}

// ---------------------------------------------------------------------------------------------------------------
// Ports and readiness.

/** Resolves to undefined if `host:port` can be bound, else to the error code (EADDRINUSE, EADDRNOTAVAIL, ...). */
function bindError(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** One metadata round trip plus a coordinator lookup (creates __consumer_offsets), so consumers join at once. */
async function kafkaServes(brokers: string): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'local-stack-probe',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    await admin.describeGroups(['local-stack-probe']);
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function logTail(file: string): string {
  try {
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return lines.slice(-LOG_TAIL_LINES).join('\n') || '(empty)';
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Configuration files.

function kafkaProperties(host: string, opts: LocalStackOptions, dataDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${opts.controllerPort}`,
    `listeners=PLAINTEXT://${host}:${opts.kafkaPort},CONTROLLER://${host}:${opts.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${opts.kafkaPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'auto.create.topics.enable=true',
    'num.partitions=3',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

/** Log4j2 for both JVMs: WARN to stdout (which goes to the log file), plus Kafka's one "started" line. */
const LOG4J2_PROPERTIES = [
  'status = warn',
  'shutdownHook = disable', // Console flushes each line; avoids "Unable to register Log4j shutdown hook" at stop
  'appender.out.type = Console',
  'appender.out.name = out',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%c{1}] %m%n',
  'rootLogger.level = warn',
  'rootLogger.appenderRef.out.ref = out',
  'logger.raft.name = kafka.server.KafkaRaftServer',
  'logger.raft.level = info',
  '',
].join('\n');

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, not starting with '-' (as Kafka's Uuid). */
function kafkaClusterId(): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function javaSpawnFailure(err: NodeJS.ErrnoException): Error {
  return err.code === 'ENOENT'
    ? new Error("Java ('java') is not on PATH: the local stack needs Java 17+ (Debian: apt-get install openjdk-17-jdk-headless).")
    : new Error(`Could not start java: ${err.message}`);
}

// ---------------------------------------------------------------------------------------------------------------

interface PortSpec {
  what: string;
  port: number;
  env?: string;
}

/** Fails with one message naming every port of `ports` that cannot be bound, and how to choose another. */
async function checkPorts(name: string, host: string, ports: PortSpec[], waitForRelease: boolean): Promise<void> {
  if (new Set(ports.map((p) => p.port)).size !== ports.length) {
    throw new Error(`Stack '${name}': the ports must differ (${ports.map((p) => p.port).join(', ')}).`);
  }
  const probe = (): Promise<Array<string | undefined>> => Promise.all(ports.map((p) => bindError(host, p.port)));
  let errors = await probe();
  // A killed JVM's main thread turns zombie before its sockets close: after a reap, give the ports a moment.
  for (let i = 0; waitForRelease && i < 50 && errors.some((e) => e !== undefined); i++) {
    await sleep(100);
    errors = await probe();
  }
  const lines = ports.flatMap((p, i) => {
    const code = errors[i];
    if (code === undefined) return [];
    const problem = code === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${code})`;
    return [`  - ${p.what} port ${p.port} on ${host} ${problem}${p.env ? `: choose another with ${p.env}=<port>` : ''}`];
  });
  if (lines.length === 0) return;
  const hint = errors.includes('EADDRINUSE')
    ? `\nIs another stack or a real Kafka/MongoDB running? (see: ss -ltnp | grep -E ':(${ports.map((p) => p.port).join('|')})\\b')`
    : '';
  throw new Error(`Cannot start the local stack '${name}':\n${lines.join('\n')}${hint}`);
}

/** Spawns `java` with stdout and stderr appended to `logFile`; rejects if java cannot be started at all. */
async function spawnJava(args: string[], logFile: string, truncate: boolean): Promise<ChildProcess> {
  const fd = fs.openSync(logFile, truncate ? 'w' : 'a');
  try {
    const child = spawn('java', args, { cwd: REPO_ROOT, stdio: ['ignore', fd, fd] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err: NodeJS.ErrnoException) => reject(javaSpawnFailure(err)));
    });
    track(child);
    return child;
  } finally {
    fs.closeSync(fd);
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (hasExited(child)) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function describeExit(child: ChildProcess): string {
  return child.signalCode !== null ? `signal ${child.signalCode}` : `code ${String(child.exitCode)}`;
}

/**
 * The in-memory store the stand-in runs on unless told otherwise: the memory backend, or with STACK_MONGO_BACKEND=compact
 * its BSON-bytes twin (MongoLauncher.java's CompactBackend). The local stack and the medium tier's server both use it.
 */
export function inMemoryStore(): 'memory' | 'compact' {
  const store = process.env.STACK_MONGO_BACKEND ?? 'memory';
  if (store !== 'memory' && store !== 'compact') throw new Error(`Invalid stand-in backend '${store}' (STACK_MONGO_BACKEND): memory or compact.`);
  return store;
}

/** Starts Kafka (KRaft, fresh data) and mongo-java-server as child JVMs and resolves once both serve requests. */
export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const host = opts.host ?? '127.0.0.1';
  if (!/^[\w.-]+$/.test(opts.name)) throw new Error(`Invalid stack name '${opts.name}': use letters, digits, '.', '_', '-'.`);
  const mongoHeap = opts.mongoHeap ?? '1g';
  if (!/^[1-9]\d*[kmg]$/i.test(mongoHeap)) throw new Error(`Invalid stand-in heap '${mongoHeap}': give a size such as 1g, 8g or 512m.`);
  const mongoBackend = opts.mongoBackend ?? inMemoryStore();
  if (!jarsReady()) {
    throw new Error(`The stack's jars are not in ${LIB_DIR}: call ensureJars() first (or run: npm run stack:setup).`);
  }
  const withKafka = opts.kafka ?? true;
  const stackDir = path.join(STACK_ROOT, opts.name);
  const pidFile = path.join(stackDir, 'pids.json');
  const tag = `-Dlocal.stack.dir=${stackDir}`; // marks our JVMs, for reapOrphans
  fs.mkdirSync(stackDir, { recursive: true });
  const reaped = await reapOrphans(stackDir, tag);
  await checkPorts(
    opts.name,
    host,
    [
      ...(withKafka
        ? [
            { what: 'Kafka', port: opts.kafkaPort, env: opts.portEnv?.kafka },
            { what: 'Kafka controller', port: opts.controllerPort, env: opts.portEnv?.controller },
          ]
        : []),
      { what: 'MongoDB', port: opts.mongoPort, env: opts.portEnv?.mongo },
    ],
    reaped,
  );

  const dataDir = path.join(stackDir, 'kafka-data');
  const propsFile = path.join(stackDir, 'server.properties');
  const log4jFile = path.join(stackDir, 'log4j2.properties');
  const kafkaLog = path.join(stackDir, 'kafka.log');
  const mongoLog = path.join(stackDir, 'mongo.log');
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(propsFile, kafkaProperties(host, opts, dataDir));
  fs.writeFileSync(log4jFile, LOG4J2_PROPERTIES);

  const classpath = `${LIB_DIR}${path.sep}*`;
  const jvm = [tag, `-Dlog4j2.configurationFile=${log4jFile}`, '-Djava.awt.headless=true', '-cp', classpath];
  const kafkaBrokers = `${host}:${opts.kafkaPort}`;
  const mongoUrl = `mongodb://${host}:${opts.mongoPort}`;
  const children: ChildProcess[] = [];
  const recordPids = (): void =>
    fs.writeFileSync(pidFile, JSON.stringify({ parent: process.pid, children: children.flatMap((c) => c.pid ?? []) } satisfies PidFile));
  let phase: 'starting' | 'running' | 'stopping' = 'starting';
  const watch = (child: ChildProcess, what: string, logFile: string): void => {
    children.push(child);
    recordPids();
    child.once('exit', () => {
      if (phase === 'running' && !stopAsked.has(child)) log(`${what} exited unexpectedly (${describeExit(child)}); see ${logFile}`);
    });
  };
  const started = Date.now();
  const deadline = started + READY_TIMEOUT_MS;
  const waitFor = async (what: string, child: ChildProcess, logFile: string, ready: () => Promise<boolean>): Promise<void> => {
    for (;;) {
      if (phase !== 'starting') return;
      if (hasExited(child)) {
        throw new Error(`${what} exited during start-up (${describeExit(child)}); ${logFile} ends with:\n${logTail(logFile)}`);
      }
      if (await ready()) return;
      if (Date.now() > deadline) {
        throw new Error(`${what} was not ready after ${READY_TIMEOUT_MS / 1000} s; ${logFile} ends with:\n${logTail(logFile)}`);
      }
      await sleep(250);
    }
  };

  let mongoPid: number | undefined;
  try {
    // The launcher is compiled from source at each start (~2 s): run it while Kafka formats its storage.
    // A heap asked for is a ceiling, not a reservation: G1 grows to -Xmx under load and keeps it; these ratios make it
    // give back what a dropped database freed (at the next marking cycle), on a machine shared with other JVMs.
    const giveBack = opts.mongoHeap ? ['-XX:MinHeapFreeRatio=10', '-XX:MaxHeapFreeRatio=40'] : [];
    const mongo = await spawnJava([`-Xmx${mongoHeap}`, ...giveBack, ...jvm, MONGO_LAUNCHER, host, String(opts.mongoPort), mongoBackend], mongoLog, true);
    watch(mongo, 'mongo-java-server', mongoLog);
    mongoPid = mongo.pid;
    const mongoReady = waitFor(`mongo-java-server on ${host}:${opts.mongoPort}`, mongo, mongoLog, () => canConnect(host, opts.mongoPort));
    if (withKafka) {
      const storageTool = ['kafka.tools.StorageTool', 'format', '-t', kafkaClusterId(), '-c', propsFile, '--ignore-formatted'];
      const format = await spawnJava(['-Xmx256m', '-XX:TieredStopAtLevel=1', ...jvm, ...storageTool], kafkaLog, true);
      if ((await exitOf(format)) !== 0) {
        throw new Error(`Kafka storage format failed (${describeExit(format)}); ${kafkaLog} ends with:\n${logTail(kafkaLog)}`);
      }
      const kafkaArgs = ['-Xmx1g', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', ...jvm, 'kafka.Kafka', propsFile];
      const kafka = await spawnJava(kafkaArgs, kafkaLog, false);
      watch(kafka, 'Kafka', kafkaLog);
      await waitFor(`Kafka on ${kafkaBrokers}`, kafka, kafkaLog, async () => (await canConnect(host, opts.kafkaPort)) && kafkaServes(kafkaBrokers));
    }
    await mongoReady;
  } catch (err) {
    phase = 'stopping';
    await Promise.all(children.map((child) => terminate(child, 2000)));
    fs.rmSync(pidFile, { force: true });
    throw err;
  }
  phase = 'running';
  // From now on the servers must not keep the host process alive; if it exits, the 'exit' handler kills them.
  for (const child of children) child.unref();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`stack '${opts.name}' ready in ${seconds} s: ${withKafka ? `kafka ${kafkaBrokers}, ` : ''}mongo ${mongoUrl}; logs in ${path.relative(REPO_ROOT, stackDir)}/`);

  let stopped: Promise<void> | undefined;
  return {
    kafkaBrokers: withKafka ? kafkaBrokers : '',
    mongoUrl,
    mongo: { pid: mongoPid, heap: mongoHeap },
    stop(): Promise<void> {
      stopped ??= (async () => {
        phase = 'stopping';
        await Promise.all(children.map((child) => terminate(child, STOP_GRACE_MS)));
        fs.rmSync(pidFile, { force: true });
      })();
      return stopped;
    },
  };
}

export interface LocalAmqpOptions {
  /** Folder name under .stack/ (the broker's data, log and pids go to `<name>-amqp`). */
  name: string;
  port: number;
  host?: string;
  /** Name of the environment variable that overrides the port, quoted when it is taken. */
  portEnv?: string;
}

export interface LocalAmqp {
  /** `amqp://host:port`, for rhea (no credentials: the test broker has security off). */
  url: string;
  /** SIGTERM the broker and wait for it to exit (SIGKILL after 10 s). Safe to call twice. */
  stop(): Promise<void>;
}

/** Opens an AMQP 1.0 connection (rhea) and closes it again: true once the broker answers the protocol, not only TCP. */
async function amqpServes(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = create_container().connect({ host, port, reconnect: false, idle_time_out: 0 });
    const timer = setTimeout(() => done(false), 2000);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      connection.removeAllListeners();
      connection.on('error', () => undefined);
      connection.on('disconnected', () => undefined);
      if (connection.is_open()) connection.close();
      else connection.socket?.destroy?.();
      resolve(ok);
    };
    connection.once('connection_open', () => done(true));
    connection.once('disconnected', () => done(false));
    connection.once('connection_error', () => done(false));
  });
}

/**
 * Starts Apache ActiveMQ Artemis (AMQP 1.0, persistent, fresh data) as a child JVM and resolves once it opens AMQP
 * connections. Separate from startLocalStack: only the tests of the CFX bridge need a broker.
 */
export async function startLocalAmqp(opts: LocalAmqpOptions): Promise<LocalAmqp> {
  const host = opts.host ?? '127.0.0.1';
  if (!/^[\w.-]+$/.test(opts.name)) throw new Error(`Invalid stack name '${opts.name}': use letters, digits, '.', '_', '-'.`);
  if (!jarsReady(AMQP_JARS)) {
    throw new Error(`The AMQP broker's jars are not in ${AMQP_LIB_DIR}: call ensureJars() first (or run: npm run stack:setup).`);
  }
  const stackDir = path.join(STACK_ROOT, `${opts.name}-amqp`);
  const pidFile = path.join(stackDir, 'pids.json');
  const tag = `-Dlocal.stack.dir=${stackDir}`;
  fs.mkdirSync(stackDir, { recursive: true });
  const reaped = await reapOrphans(stackDir, tag);
  await checkPorts(opts.name, host, [{ what: 'AMQP', port: opts.port, env: opts.portEnv }], reaped);
  const dataDir = path.join(stackDir, 'artemis-data');
  const logFile = path.join(stackDir, 'artemis.log');
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });

  const started = Date.now();
  const args = [
    tag,
    '-Xmx512m',
    '-XX:TieredStopAtLevel=1', // a test broker: quick start over peak throughput
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-Djava.awt.headless=true',
    '-cp',
    `${AMQP_LIB_DIR}${path.sep}*`,
    ARTEMIS_LAUNCHER,
    host,
    String(opts.port),
    dataDir,
  ];
  const broker = await spawnJava(args, logFile, true);
  fs.writeFileSync(pidFile, JSON.stringify({ parent: process.pid, children: broker.pid ? [broker.pid] : [] } satisfies PidFile));
  let running = false;
  broker.once('exit', () => {
    if (running && !stopAsked.has(broker)) log(`Artemis exited unexpectedly (${describeExit(broker)}); see ${logFile}`);
  });
  try {
    for (;;) {
      if (hasExited(broker)) throw new Error(`Artemis exited during start-up (${describeExit(broker)}); ${logFile} ends with:\n${logTail(logFile)}`);
      if ((await canConnect(host, opts.port)) && (await amqpServes(host, opts.port))) break;
      if (Date.now() - started > READY_TIMEOUT_MS) {
        throw new Error(`Artemis on ${host}:${opts.port} was not ready after ${READY_TIMEOUT_MS / 1000} s; ${logFile} ends with:\n${logTail(logFile)}`);
      }
      await sleep(100);
    }
  } catch (err) {
    await terminate(broker, 2000);
    fs.rmSync(pidFile, { force: true });
    throw err;
  }
  running = true;
  broker.unref();
  log(`AMQP broker '${opts.name}' ready in ${((Date.now() - started) / 1000).toFixed(1)} s: amqp://${host}:${opts.port}; log ${path.relative(REPO_ROOT, logFile)}`);
  let stopped: Promise<void> | undefined;
  return {
    url: `amqp://${host}:${opts.port}`,
    stop(): Promise<void> {
      stopped ??= (async () => {
        running = false;
        await terminate(broker, STOP_GRACE_MS);
        fs.rmSync(pidFile, { force: true });
      })();
      return stopped;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// A Kafka cluster of several KRaft nodes (each broker and controller) from the same jars.

export interface KafkaClusterOptions {
  /** Folder name under .stack/ (as for startLocalStack). */
  name: string;
  /** One entry per node: its broker port and its controller port, all distinct. */
  nodes: { port: number; controllerPort: number }[];
  host?: string;
}

export interface KafkaNode {
  /** Kafka's node.id (1, 2, 3...). */
  id: number;
  address: string;
  /** Kills the node's JVM (SIGKILL by default: a crash) and waits for its exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the node again on its data, and waits until it serves. */
  restart(): Promise<void>;
}

export interface KafkaCluster {
  /** Every node's `host:port`, comma-separated, for KAFKA_BROKERS. */
  kafkaBrokers: string;
  nodes: KafkaNode[];
  stop(): Promise<void>;
}

function clusterNodeProperties(host: string, opts: KafkaClusterOptions, index: number, dataDir: string): string {
  const { port, controllerPort } = opts.nodes[index]!;
  const voters = opts.nodes.map((n, i) => `${i + 1}@${host}:${n.controllerPort}`).join(',');
  const copies = Math.min(3, opts.nodes.length);
  return [
    'process.roles=broker,controller',
    `node.id=${index + 1}`,
    `controller.quorum.voters=${voters}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'auto.create.topics.enable=false',
    'num.partitions=3',
    `default.replication.factor=${copies}`,
    `min.insync.replicas=${Math.max(1, copies - 1)}`,
    `offsets.topic.replication.factor=${copies}`,
    `transaction.state.log.replication.factor=${copies}`,
    `transaction.state.log.min.isr=${Math.max(1, copies - 1)}`,
    `share.coordinator.state.topic.replication.factor=${copies}`,
    `share.coordinator.state.topic.min.isr=${Math.max(1, copies - 1)}`,
    'group.initial.rebalance.delay.ms=0',
    // A killed node's partitions move to the others within seconds, not the default 9 s + 18 s.
    'broker.session.timeout.ms=4000',
    'broker.heartbeat.interval.ms=1000',
    '',
  ].join('\n');
}

/** Brokers registered in the cluster's metadata, as a client sees them. */
async function brokersServing(brokers: string): Promise<number> {
  const kafka = new Kafka({ clientId: 'local-stack-probe', brokers: brokers.split(','), logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 3000, retry: { retries: 0 } });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { brokers: seen } = await admin.describeCluster();
    return seen.length;
  } catch {
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Starts a KRaft cluster of `nodes.length` nodes (fresh data, one cluster id) as child JVMs and resolves once every
 * broker is registered and the group coordinator answers. Topics made on it get three copies and min.insync.replicas=2
 * (with three nodes), as the apps ask for them.
 */
export async function startKafkaCluster(opts: KafkaClusterOptions): Promise<KafkaCluster> {
  const host = opts.host ?? '127.0.0.1';
  if (!/^[\w.-]+$/.test(opts.name)) throw new Error(`Invalid stack name '${opts.name}': use letters, digits, '.', '_', '-'.`);
  if (!jarsReady()) throw new Error(`The stack's jars are not in ${LIB_DIR}: call ensureJars() first (or run: npm run stack:setup).`);
  const stackDir = path.join(STACK_ROOT, opts.name);
  const pidFile = path.join(stackDir, 'pids.json');
  const tag = `-Dlocal.stack.dir=${stackDir}`;
  fs.mkdirSync(stackDir, { recursive: true });
  const reaped = await reapOrphans(stackDir, tag);
  await checkPorts(
    opts.name,
    host,
    opts.nodes.flatMap((n, i) => [
      { what: `Kafka node ${i + 1}`, port: n.port },
      { what: `Kafka node ${i + 1} controller`, port: n.controllerPort },
    ]),
    reaped,
  );
  const log4jFile = path.join(stackDir, 'log4j2.properties');
  fs.writeFileSync(log4jFile, LOG4J2_PROPERTIES);
  const classpath = `${LIB_DIR}${path.sep}*`;
  const jvm = [tag, `-Dlog4j2.configurationFile=${log4jFile}`, '-Djava.awt.headless=true', '-cp', classpath];
  const kafkaBrokers = opts.nodes.map((n) => `${host}:${n.port}`).join(',');
  const clusterId = kafkaClusterId();
  const running = new Map<number, ChildProcess>();
  const recordPids = (): void =>
    fs.writeFileSync(pidFile, JSON.stringify({ parent: process.pid, children: [...running.values()].flatMap((c) => c.pid ?? []) } satisfies PidFile));
  const files = opts.nodes.map((_, i) => {
    const dir = path.join(stackDir, `node-${i + 1}`);
    const dataDir = path.join(dir, 'kafka-data');
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true });
    const props = path.join(dir, 'server.properties');
    fs.writeFileSync(props, clusterNodeProperties(host, opts, i, dataDir));
    return { props, log: path.join(dir, 'kafka.log') };
  });
  const launch = async (i: number, truncate: boolean): Promise<ChildProcess> => {
    const child = await spawnJava(['-Xmx512m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', ...jvm, 'kafka.Kafka', files[i]!.props], files[i]!.log, truncate);
    running.set(i, child);
    recordPids();
    child.once('exit', () => {
      if (running.get(i) === child) running.delete(i);
    });
    return child;
  };
  const waitServing = async (what: string, wanted: number, watched: ChildProcess[]): Promise<void> => {
    const deadline = Date.now() + 2 * READY_TIMEOUT_MS;
    for (;;) {
      const dead = watched.find(hasExited);
      if (dead) throw new Error(`${what}: a node exited during start-up (${describeExit(dead)}); see ${stackDir}/node-*/kafka.log`);
      if ((await brokersServing(kafkaBrokers)) >= wanted && (await kafkaServes(kafkaBrokers.split(',')[0]!))) return;
      if (Date.now() > deadline) throw new Error(`${what} was not ready after ${(2 * READY_TIMEOUT_MS) / 1000} s; see ${stackDir}/node-*/kafka.log`);
      await sleep(250);
    }
  };

  const started = Date.now();
  try {
    await Promise.all(
      files.map(async (f, i) => {
        const format = await spawnJava(['-Xmx256m', '-XX:TieredStopAtLevel=1', ...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', f.props, '--ignore-formatted'], f.log, true);
        if ((await exitOf(format)) !== 0) throw new Error(`Kafka storage format of node ${i + 1} failed; ${f.log} ends with:\n${logTail(f.log)}`);
      }),
    );
    const children = await Promise.all(files.map((_, i) => launch(i, false)));
    await waitServing(`Kafka cluster ${kafkaBrokers}`, opts.nodes.length, children);
  } catch (err) {
    await Promise.all([...running.values()].map((c) => terminate(c, 2000)));
    fs.rmSync(pidFile, { force: true });
    throw err;
  }
  for (const child of running.values()) child.unref();
  log(`cluster '${opts.name}' of ${opts.nodes.length} Kafka nodes ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${kafkaBrokers}`);

  const nodes: KafkaNode[] = opts.nodes.map((n, i) => ({
    id: i + 1,
    address: `${host}:${n.port}`,
    async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
      const child = running.get(i);
      if (!child || hasExited(child)) return;
      const exited = exitOf(child);
      child.kill(signal);
      await exited;
    },
    async restart(): Promise<void> {
      if (running.has(i)) throw new Error(`Kafka node ${i + 1} is running`);
      const child = await launch(i, false);
      await waitServing(`Kafka node ${i + 1}`, opts.nodes.length, [child]);
      child.unref();
    },
  }));
  let stopped: Promise<void> | undefined;
  return {
    kafkaBrokers,
    nodes,
    stop(): Promise<void> {
      stopped ??= (async () => {
        await Promise.all([...running.values()].map((c) => terminate(c, STOP_GRACE_MS)));
        fs.rmSync(pidFile, { force: true });
      })();
      return stopped;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CLI

function envPort(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${variable}=${raw} is not a TCP port.`);
  return port;
}

async function up(brokers: number): Promise<void> {
  await ensureJars();
  const kafkaPort = envPort('KAFKA_PORT', 9092);
  const stack = await startLocalStack({
    name: 'dev',
    kafkaPort,
    controllerPort: envPort('KAFKA_CONTROLLER_PORT', 9093),
    mongoPort: envPort('MONGO_PORT', 27017),
    portEnv: { kafka: 'KAFKA_PORT', controller: 'KAFKA_CONTROLLER_PORT', mongo: 'MONGO_PORT' },
    kafka: brokers === 1,
  });
  // Several brokers: node i on KAFKA_PORT + 2i, its controller on the port after it.
  const cluster =
    brokers === 1
      ? undefined
      : await startKafkaCluster({ name: 'dev-cluster', nodes: Array.from({ length: brokers }, (_, i) => ({ port: kafkaPort + 2 * i, controllerPort: kafkaPort + 2 * i + 1 })) }).catch(
          async (err: unknown) => {
            await stack.stop();
            throw err;
          },
        );
  process.stdout.write(`KAFKA_BROKERS=${cluster?.kafkaBrokers ?? stack.kafkaBrokers}\nMONGO_URL=${stack.mongoUrl}\n`);
  log('running; press Ctrl-C to stop');
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<void>((resolve) => {
    const onStop = (signal: NodeJS.Signals): void => {
      for (const s of SIGNALS) process.removeListener(s, onStop);
      log(`${signal}: stopping`);
      resolve();
    };
    for (const s of SIGNALS) process.on(s, onStop);
  });
  await Promise.all([stack.stop(), cluster?.stop()]);
  clearInterval(keepAlive);
  log('stopped');
}

async function main(argv: string[]): Promise<void> {
  const command = argv[0];
  if (command === 'setup') {
    await ensureJars();
    log(`jars ready in ${path.relative(REPO_ROOT, LIB_DIR)}`);
  } else if (command === 'up') {
    const at = argv.indexOf('--brokers');
    const brokers = at < 0 ? 1 : Number(argv[at + 1]);
    if (!Number.isInteger(brokers) || brokers < 1 || brokers > 9) throw new Error(`--brokers takes a number of brokers from 1 to 9, not '${argv[at + 1] ?? ''}'`);
    await up(brokers);
  } else {
    process.stderr.write(
      'usage: ts-node --transpile-only test/stack/local-stack.ts <setup|up>\n' +
        '  setup  fetch the jars into .stack/lib (Maven)\n' +
        '  up     setup + start Kafka (KAFKA_PORT=9092, KAFKA_CONTROLLER_PORT=9093) and MongoDB (MONGO_PORT=27017) until Ctrl-C\n' +
        '         --brokers 3: a KRaft cluster of three nodes instead, node i on KAFKA_PORT+2i (controller: the port after)\n',
    );
    process.exitCode = 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`[local-stack] ${errorMessage(err)}\n`);
    process.exit(1);
  });
}
