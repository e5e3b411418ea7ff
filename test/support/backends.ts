/**
 * Kafka and MongoDB for tests, from the first source that works:
 *   1. KAFKA_BROKERS / MONGO_URL from the environment (each overrides only its own backend);
 *   2. testcontainers (cp-kafka 7.x in KRaft mode, mongo:7) when a Docker engine is reachable;
 *   3. the local stack of test/stack (real Kafka + mongo-java-server as child JVMs; Java 17 + Maven).
 * TEST_BACKENDS=testcontainers|local forces one of 2 and 3. Never skips silently: throws what was tried.
 * The AMQP 1.0 broker of the CFX bridge's tests comes the same way (acquireAmqp): CFX_AMQP_URL, else an
 * apache/activemq-artemis container, else the local Artemis.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureJars, startLocalAmqp, startLocalStack } from '../stack/local-stack';

export type BackendKind = 'env' | 'testcontainers' | 'local';

export interface Backends {
  /** Comma-separated `host:port` list for kafkajs `brokers`. */
  kafkaBrokers: string;
  /** MongoDB connection string. */
  mongoUrl: string;
  /** Where the started backends come from ('env' only when both came from the environment). */
  kind: BackendKind;
  /** Stops whatever this call started (no-op for the environment's servers). */
  stop(): Promise<void>;
}

const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.0';
const MONGO_IMAGE = 'mongo:7';
const DOCKER_PROBE_TIMEOUT_MS = 10_000;
/** The local stack's test ports differ from `npm run stack:up` (9092/9093/27017) so both can run at once. */
const LOCAL_PORTS = {
  kafka: { env: 'TEST_KAFKA_PORT', fallback: 19092 },
  controller: { env: 'TEST_KAFKA_CONTROLLER_PORT', fallback: 19093 },
  mongo: { env: 'TEST_MONGO_PORT', fallback: 27018 },
} as const;

interface Needs {
  kafka: boolean;
  mongo: boolean;
}

interface Started {
  kafkaBrokers?: string;
  mongoUrl?: string;
  stop(): Promise<void>;
}

function errorMessage(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).trim().replace(/\n/g, '\n      ');
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function envPort(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${variable}=${raw} is not a TCP port.`);
  return port;
}

/** Throws unless a Docker (or compatible) engine answers. */
async function probeDocker(): Promise<void> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  await withTimeout(getContainerRuntimeClient(), DOCKER_PROBE_TIMEOUT_MS, 'the container runtime');
}

async function startContainers(needs: Needs): Promise<Started> {
  const [{ KafkaContainer }, { MongoDBContainer }] = await Promise.all([
    import('@testcontainers/kafka'),
    import('@testcontainers/mongodb'),
  ]);
  const results = await Promise.allSettled([
    needs.kafka ? new KafkaContainer(KAFKA_IMAGE).withKraft().start() : Promise.resolve(undefined),
    needs.mongo ? new MongoDBContainer(MONGO_IMAGE).start() : Promise.resolve(undefined),
  ]);
  const kafka = results[0].status === 'fulfilled' ? results[0].value : undefined;
  const mongo = results[1].status === 'fulfilled' ? results[1].value : undefined;
  const stop = async (): Promise<void> => {
    await Promise.all([kafka?.stop(), mongo?.stop()]);
  };
  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${i === 0 ? KAFKA_IMAGE : MONGO_IMAGE}: ${errorMessage(r.reason)}`] : []));
  if (failures.length > 0) {
    await stop().catch(() => undefined);
    throw new Error(failures.join('\n'));
  }
  return {
    kafkaBrokers: kafka ? `${kafka.getHost()}:${kafka.getMappedPort(9093)}` : undefined,
    // The container is a one-member replica set announcing its container hostname: connect directly.
    mongoUrl: mongo ? `${mongo.getConnectionString()}/?directConnection=true` : undefined,
    stop,
  };
}

async function startLocal(name: string): Promise<Started> {
  await ensureJars();
  const stack = await startLocalStack({
    name,
    kafkaPort: envPort(LOCAL_PORTS.kafka.env, LOCAL_PORTS.kafka.fallback),
    controllerPort: envPort(LOCAL_PORTS.controller.env, LOCAL_PORTS.controller.fallback),
    mongoPort: envPort(LOCAL_PORTS.mongo.env, LOCAL_PORTS.mongo.fallback),
    portEnv: { kafka: LOCAL_PORTS.kafka.env, controller: LOCAL_PORTS.controller.env, mongo: LOCAL_PORTS.mongo.env },
  });
  return stack;
}

/** Provides Kafka and MongoDB for the test run `name`: environment, else testcontainers, else the local JVM stack. */
export async function acquireBackends(name: string): Promise<Backends> {
  const envKafka = process.env.KAFKA_BROKERS?.trim() || undefined;
  const envMongo = process.env.MONGO_URL?.trim() || undefined;
  if (envKafka && envMongo) {
    return { kafkaBrokers: envKafka, mongoUrl: envMongo, kind: 'env', stop: async () => undefined };
  }
  const needs: Needs = { kafka: !envKafka, mongo: !envMongo };
  const forced = process.env.TEST_BACKENDS?.trim() || undefined;
  if (forced !== undefined && forced !== 'testcontainers' && forced !== 'local') {
    throw new Error(`TEST_BACKENDS=${forced}: use 'testcontainers' or 'local' (or unset it).`);
  }

  const tried: string[] = [
    `KAFKA_BROKERS=${envKafka ?? '(unset)'}, MONGO_URL=${envMongo ?? '(unset)'}: set both to use servers of your own`,
  ];
  const finish = (started: Started, kind: BackendKind): Backends => ({
    kafkaBrokers: envKafka ?? started.kafkaBrokers ?? '',
    mongoUrl: envMongo ?? started.mongoUrl ?? '',
    kind,
    stop: () => started.stop(),
  });

  if (forced !== 'local') {
    const started = await inContainers(tried, () => startContainers(needs), 'a Docker engine answered but the containers did not start');
    if (started) return finish(started, 'testcontainers');
  } else {
    tried.push('testcontainers: not tried (TEST_BACKENDS=local)');
  }

  if (forced !== 'testcontainers') {
    try {
      return finish(await startLocal(name), 'local');
    } catch (err) {
      tried.push(`local stack (test/stack, Java 17 + Maven, jars in .stack/lib): ${errorMessage(err)}`);
    }
  } else {
    tried.push('local stack: not tried (TEST_BACKENDS=testcontainers)');
  }

  throw new Error(
    `No ${[needs.kafka ? 'Kafka' : '', needs.mongo ? 'MongoDB' : ''].filter(Boolean).join(' or ')} for tests '${name}'. Tried:\n` +
      tried.map((line) => `  - ${line}`).join('\n'),
  );
}

/** The local AMQP broker's test port (`npm run stack:up` does not start one). */
const LOCAL_AMQP_PORT = { env: 'TEST_AMQP_PORT', fallback: 19672 } as const;
/** Artemis in a container: the version of the local one (test/stack/amqp-pom.xml); TEST_AMQP_IMAGE overrides it. */
const AMQP_IMAGE = 'apache/activemq-artemis:2.40.0';
/** The container's broker.xml (AMQP on 5672, no security, ANYCAST queues made on first use), shared with docker/compose.yml. */
const ARTEMIS_BROKER_XML = join(__dirname, '..', '..', 'docker', 'artemis', 'broker.xml');

interface Amqp {
  url: string;
  stop(): Promise<void>;
}

/** Artemis from its image, configured by docker/artemis/broker.xml (the image copies etc-override/ over etc/). */
async function startAmqpContainer(image: string): Promise<Amqp> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(image)
    .withExposedPorts(5672)
    .withCopyContentToContainer([{ content: readFileSync(ARTEMIS_BROKER_XML, 'utf8'), target: '/var/lib/artemis-instance/etc-override/broker.xml' }])
    .withWaitStrategy(Wait.forLogMessage(/AMQ221007/)) // "Server is now active"
    .withStartupTimeout(120_000)
    .start();
  return { url: `amqp://${container.getHost()}:${container.getMappedPort(5672)}`, stop: async () => void (await container.stop()) };
}

/** Starts what `start` starts in containers where a Docker engine answers; else says why in `tried` and gives undefined. */
async function inContainers<T>(tried: string[], start: () => Promise<T>, notStarted: string): Promise<T | undefined> {
  try {
    await probeDocker();
  } catch (err) {
    tried.push(`testcontainers: no Docker engine reachable (${errorMessage(err)})`);
    return undefined;
  }
  try {
    return await start();
  } catch (err) {
    tried.push(`testcontainers: ${notStarted}:\n      ${errorMessage(err)}`);
    return undefined;
  }
}

/**
 * An AMQP 1.0 broker for the tests of the CFX bridge: CFX_AMQP_URL from the environment, else Artemis in a container
 * where a Docker engine answers, else a local Artemis (TEST_BACKENDS forces either, as for Kafka and MongoDB).
 */
export async function acquireAmqp(name: string): Promise<Amqp> {
  const fromEnv = process.env.CFX_AMQP_URL?.trim() || undefined;
  if (fromEnv) return { url: fromEnv, stop: async () => undefined };
  const forced = process.env.TEST_BACKENDS?.trim() || undefined;
  const image = process.env.TEST_AMQP_IMAGE?.trim() || AMQP_IMAGE;
  const tried: string[] = ['CFX_AMQP_URL=(unset): set it to use a broker of your own'];
  if (forced !== 'local') {
    const started = await inContainers(tried, () => startAmqpContainer(image), `${image} did not start`);
    if (started) return started;
  }
  if (forced !== 'testcontainers') {
    try {
      await ensureJars();
      return await startLocalAmqp({ name, port: envPort(LOCAL_AMQP_PORT.env, LOCAL_AMQP_PORT.fallback), portEnv: LOCAL_AMQP_PORT.env });
    } catch (err) {
      tried.push(`local Artemis (test/stack, Java 17 + Maven, jars in .stack/lib-amqp): ${errorMessage(err)}`);
    }
  }
  throw new Error(`No AMQP 1.0 broker for tests '${name}'. Tried:\n${tried.map((line) => `  - ${line}`).join('\n')}`);
}
