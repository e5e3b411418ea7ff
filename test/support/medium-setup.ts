import { inMemoryStore } from '../stack/local-stack';
import { disposableMongo, type DisposableMongo } from './disposable-mongo';

// Runs once before the medium tier: a real MongoDB-wire server and nothing else (no Kafka, no HTTP).
// MONGO_URL from the environment wins; else the local stand-in (mongo-java-server, memory backend) on a free
// port, or a mongo:7 container where a Docker engine answers and no local jars exist. Never skips silently.
export default async function mediumSetup(): Promise<void> {
  if (process.env.MONGO_URL?.trim()) {
    process.env.MEDIUM_MONGO_URL = process.env.MONGO_URL.trim();
    return;
  }
  const started = Date.now();
  const mongo = await disposableMongo(inMemoryStore());
  process.env.MEDIUM_MONGO_URL = mongo.url;
  (globalThis as { __mediumMongo?: DisposableMongo }).__mediumMongo = mongo;
  console.log(`\n[medium] database ${mongo.url} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
