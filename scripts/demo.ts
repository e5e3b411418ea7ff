/**
 * `npm run demo`: builds the web app, starts the local stack (or uses KAFKA_BROKERS / MONGO_URL) and a local AMQP 1.0
 * broker (or uses CFX_AMQP_URL), the ingest, the API and the CFX bridge as their own processes, loads the demo scenario
 * through Kafka and replays a recorded CFX session from a line through the broker and the bridge, prints the one URL to
 * open and the keys to sign in with, and runs until Ctrl-C; then stops everything it started.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { ApiKeysRepository } from '@trace/access';
import { toMessage } from '@trace/contracts';
import { PlatformEnv, createKafka, loadEnv, produceByTopic } from '@trace/platform';
import { CliModule } from '../apps/cli/src/cli.module';
import { ensureJars, startLocalAmqp, startLocalStack } from '../test/stack/local-stack';
import { gatewayAuthority, gatewayScenario } from '@trace/contracts/testing';
import { DEMO_CFX_SESSION, replayCfxSession } from './cfx-replay';

const ROOT = join(__dirname, '..');
const log = (line: string): void => void process.stdout.write(`[demo] ${line}\n`);
const port = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

async function main(): Promise<void> {
  const started = Date.now();
  let stopStack = async (): Promise<void> => undefined;
  let stopAmqp = async (): Promise<void> => undefined;
  let brokers = process.env.KAFKA_BROKERS;
  let mongoUrl = process.env.MONGO_URL;
  const amqpUrl = process.env.CFX_AMQP_URL?.trim() || undefined;
  const needStack = !brokers || !mongoUrl;
  if (needStack || !amqpUrl) await ensureJars();
  // Kafka + the stand-in and the AMQP broker start side by side: the broker adds its jars, not its 2-3 s, to the start.
  const [stack, amqp] = await Promise.all([
    needStack
      ? startLocalStack({
          name: 'dev',
          kafkaPort: port('KAFKA_PORT', 9092),
          controllerPort: port('KAFKA_CONTROLLER_PORT', 9093),
          mongoPort: port('MONGO_PORT', 27017),
          portEnv: { kafka: 'KAFKA_PORT', controller: 'KAFKA_CONTROLLER_PORT', mongo: 'MONGO_PORT' },
        })
      : undefined,
    amqpUrl ? undefined : startLocalAmqp({ name: 'dev', port: port('DEMO_AMQP_PORT', 5672), portEnv: 'DEMO_AMQP_PORT' }),
  ]);
  brokers ??= stack!.kafkaBrokers;
  mongoUrl ??= `${stack!.mongoUrl}/trace`;
  if (stack) stopStack = () => stack.stop();
  if (amqp) stopAmqp = () => amqp.stop();
  const cfxUrl = amqpUrl ?? amqp!.url;
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
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty', // a person reads this log; a collector gets JSON (the default)
    TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
  };
  buildWebApp();
  const cfxAddress = process.env.CFX_ADDRESS ?? 'cfx';
  const bridgeEnv = { ...env, CFX_AMQP_URL: cfxUrl, CFX_ADDRESS: cfxAddress, KAFKA_CLIENT_ID: 'demo-cfx-bridge', ...DEMO_CFX_SESSION.bridgeEnv };
  const children = [app('ingest', env), app('api', env), app('cfx-bridge', bridgeEnv)];
  const stop = async (signal: string): Promise<void> => {
    log(`${signal}: stopping`);
    await Promise.all(children.map((c) => terminate(c)));
    await Promise.all([stopStack(), stopAmqp()]);
    log('stopped');
    process.exit(0);
  };
  process.once('SIGINT', (s) => void stop(s));
  process.once('SIGTERM', (s) => void stop(s));

  const base = `http://${apiHost}:${apiPort}`;
  // The line's messages wait in the broker's queue until the bridge attaches: replay them while the apps start.
  const replayed = replayCfxSession(cfxUrl, cfxAddress);
  await waitFor(`the API at ${base}/health`, async () => (await fetch(`${base}/health`)).ok);

  // The shop floor's events, and the brand's approvals and deviation that judge what was built (trace.brand.v1).
  const scenario = gatewayScenario();
  const events = [...scenario.events, ...gatewayAuthority()];
  const producer = createKafka('demo-loader', brokers).producer();
  await producer.connect();
  await produceByTopic(producer, events.map((e) => toMessage(e)), process.env.TOPIC_PREFIX ?? '');
  await producer.disconnect();
  log(`produced ${events.length} demo events to Kafka`);
  log(`replayed ${await replayed} CFX messages of ${relative(ROOT, DEMO_CFX_SESSION.file)} into ${cfxUrl} address ${cfxAddress}`);

  // Keys, as `npm run -s cli -- keys create` makes them: the EMS's own quality engineer sees every
  // brand; the brand's auditor sees only Acme's units.
  const keysContext = await NestFactory.createApplicationContext(CliModule.forRoot(loadEnv(PlatformEnv, env)), { logger: ['error'] });
  const keys = keysContext.get(ApiKeysRepository);
  const siteKey = (await keys.create('quality', '*', 'demo: site-wide quality engineer')).key;
  const brandKey = (await keys.create('auditor', ['Acme'], 'demo: Acme auditor')).key;
  const adminKey = (await keys.create('admin', '*', 'demo: administrator')).key;
  const approverKey = (await keys.create('approver', ['Acme'], 'demo: Acme approver')).key;
  await keysContext.close();

  const genealogy = `${base}/v1/serials/${scenario.ids.top}/genealogy`;
  await waitFor('the demo serial in the genealogy', async () => {
    const res = await fetch(genealogy, { headers: { authorization: `Bearer ${siteKey}` } });
    return res.ok && ((await res.json()) as { summary: { installations: number } }).summary.installations === 5;
  });
  const cfxSerial = DEMO_CFX_SESSION.serial;
  await waitFor(`the CFX line's serial ${cfxSerial} in the genealogy (through the cfx-bridge)`, async () => {
    const res = await fetch(`${base}/v1/serials/${cfxSerial}/genealogy`, { headers: { authorization: `Bearer ${siteKey}` } });
    const body = res.ok ? ((await res.json()) as { unit: { materials: { candidates?: unknown }[] } }) : undefined;
    return body !== undefined && body.unit.materials.length === 3 && body.unit.materials.some((m) => m.candidates !== undefined);
  });
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  log('');
  log(`open ${base}/ and sign in with one of these keys:`);
  log(`  site-wide quality engineer (every brand; may hold and release):  ${siteKey}`);
  log(`  Acme auditor (Acme's units only; read-only):                      ${brandKey}`);
  log(`  administrator (keys and the access log, no genealogy data):       ${adminKey}`);
  log(`  Acme approver (Acme's approved parts and deviations; publishes):   ${approverKey}`);
  log(`then search ${scenario.ids.top} (the demo gateway), follow its flagged vendor and the where-used of its split reel;`);
  log(`${scenario.ids.other} exceeded Acme's deviation D-CAP: ${base}/v1/brands/Acme/deviations/D-CAP says which serials were built under it.`);
  log(`${cfxSerial} came from a CFX line (${relative(ROOT, DEMO_CFX_SESSION.file)}, through the broker and the cfx-bridge):`);
  log(`  ${base}/serials/${cfxSerial} shows each placement (feeder, time) and the splice REEL-K2 -> REEL-K3: its C11 came from "REEL-K2 or REEL-K3"`);
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

function app(name: 'api' | 'ingest' | 'cfx-bridge', env: NodeJS.ProcessEnv): ChildProcess {
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
