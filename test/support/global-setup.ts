import { acquireBackends } from './backends';

// Runs once before the e2e tier: finds Kafka and MongoDB (environment, testcontainers or the local
// stack) and hands them to the test workers through the environment.
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const backends = await acquireBackends(process.env.TEST_STACK_NAME ?? 'test');
  process.env.KAFKA_BROKERS = backends.kafkaBrokers;
  process.env.MONGO_URL = backends.mongoUrl;
  (globalThis as { __traceBackends?: typeof backends }).__traceBackends = backends;
  console.log(`\n[e2e] backends: ${backends.kind} (kafka ${backends.kafkaBrokers}, mongo ${backends.mongoUrl}) ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
