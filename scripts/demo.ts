/**
 * `npm run demo`: builds the web app, starts the local stack (or uses KAFKA_BROKERS / MONGO_URL), both apps as their own
 * processes, loads the demo scenario through Kafka, prints the one URL to open and the keys to sign in with, and runs until Ctrl-C; then
 * stops everything it started.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { ApiKeysRepository } from '@trace/access';
import { toMessage } from '@trace/contracts';
import { PlatformEnv, createKafka, loadEnv, produceByTopic } from '@trace/platform';
import { CliModule } from '../apps/cli/src/cli.module';
import { ensureJars, startLocalStack } from '../test/stack/local-stack';
import { gatewayAuthority, gatewayScenario } from '@trace/contracts/testing';

const ROOT = join(__dirname, '..');
const log = (line: string): void => void process.stdout.write(`[demo] ${line}\n`);
const port = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

async function main(): Promise<void> {
  const started = Date.now();
  let stopStack = async (): Promise<void> => undefined;
  let brokers = process.env.KAFKA_BROKERS;
  let mongoUrl = process.env.MONGO_URL;
  if (!brokers || !mongoUrl) {
    await ensureJars();
    const stack = await startLocalStack({
      name: 'dev',
      kafkaPort: port('KAFKA_PORT', 9092),
      controllerPort: port('KAFKA_CONTROLLER_PORT', 9093),
      mongoPort: port('MONGO_PORT', 27017),
      portEnv: { kafka: 'KAFKA_PORT', controller: 'KAFKA_CONTROLLER_PORT', mongo: 'MONGO_PORT' },
    });
    brokers ??= stack.kafkaBrokers;
    mongoUrl ??= `${stack.mongoUrl}/trace`;
    stopStack = () => stack.stop();
  }
  const apiHost = process.env.API_HOST ?? '127.0.0.1';
  const apiPort = port('API_PORT', 3000);
  const env = {
    ...process.env,
    KAFKA_BROKERS: brokers,
    MONGO_URL: mongoUrl,
    // The stand-in is a single server: majority means "this server" there, and it is what MongoDB 7 replica sets want.
    MONGO_WRITE_CONCERN: process.env.MONGO_WRITE_CONCERN ?? 'majority',
    API_HOST: apiHost,
    API_PORT: String(apiPort),
    TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
  };
  buildWebApp();
  const children = [app('ingest', env), app('api', env)];
  const stop = async (signal: string): Promise<void> => {
    log(`${signal}: stopping`);
    await Promise.all(children.map((c) => terminate(c)));
    await stopStack();
    log('stopped');
    process.exit(0);
  };
  process.once('SIGINT', (s) => void stop(s));
  process.once('SIGTERM', (s) => void stop(s));

  const base = `http://${apiHost}:${apiPort}`;
  await waitFor(`the API at ${base}/health`, async () => (await fetch(`${base}/health`)).ok);

  // The shop floor's events, and the brand's approvals and deviation that judge what was built (trace.brand.v1).
  const scenario = gatewayScenario();
  const events = [...scenario.events, ...gatewayAuthority()];
  const producer = createKafka('demo-loader', brokers).producer();
  await producer.connect();
  await produceByTopic(producer, events.map((e) => toMessage(e)), process.env.TOPIC_PREFIX ?? '');
  await producer.disconnect();
  log(`produced ${events.length} demo events to Kafka`);

  // Keys, as `npm run -s cli -- keys create` makes them: the EMS's own quality engineer sees every
  // brand; the brand's auditor sees only Acme's units.
  const keysContext = await NestFactory.createApplicationContext(CliModule.forRoot(loadEnv(PlatformEnv, env)), { logger: ['error'] });
  const keys = keysContext.get(ApiKeysRepository);
  const siteKey = (await keys.create('quality', '*', 'demo: site-wide quality engineer')).key;
  const brandKey = (await keys.create('auditor', ['Acme'], 'demo: Acme auditor')).key;
  const adminKey = (await keys.create('admin', '*', 'demo: administrator')).key;
  await keysContext.close();

  const genealogy = `${base}/v1/serials/${scenario.ids.top}/genealogy`;
  await waitFor('the demo serial in the genealogy', async () => {
    const res = await fetch(genealogy, { headers: { authorization: `Bearer ${siteKey}` } });
    return res.ok && ((await res.json()) as { summary: { installations: number } }).summary.installations === 5;
  });
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  log('');
  log(`open ${base}/ and sign in with one of these keys:`);
  log(`  site-wide quality engineer (every brand; may hold and release):  ${siteKey}`);
  log(`  Acme auditor (Acme's units only; read-only):                      ${brandKey}`);
  log(`  administrator (keys and the access log, no genealogy data):       ${adminKey}`);
  log(`then search ${scenario.ids.top} (the demo gateway), follow its flagged vendor and the where-used of its split reel.`);
  log('the API itself: /v1 on the same address with Authorization: Bearer <key>; its reference at /docs; /health');
  log('press Ctrl-C to stop');
}

/** Builds the web app (vite, a few seconds) into dist/web, which the API serves at `/`. */
function buildWebApp(): void {
  const t = Date.now();
  const result = spawnSync('npm', ['run', '-s', 'build:web'], { cwd: ROOT, stdio: 'inherit' }); // the one build command: package.json's
  if (result.status !== 0) throw new Error('building the web app failed (see above)');
  log(`web app built into dist/web in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

function app(name: 'api' | 'ingest', env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', `apps/${name}/src/main.ts`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk: Buffer): string => chunk.toString().replace(/^(?=.)/gm, `[${name}] `);
  child.stdout?.on('data', (c: Buffer) => process.stdout.write(prefix(c)));
  child.stderr?.on('data', (c: Buffer) => process.stderr.write(prefix(c)));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) {
      log(`${name} exited with code ${code}; stopping`);
      process.kill(process.pid, 'SIGTERM');
    }
  });
  return child;
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[demo] ${error instanceof Error ? error.message : String(error)}\n`);
  process.kill(process.pid, 'SIGTERM');
});
