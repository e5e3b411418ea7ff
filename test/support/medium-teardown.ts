import type { DisposableMongo } from './disposable-mongo';

export default async function mediumTeardown(): Promise<void> {
  await (globalThis as { __mediumMongo?: DisposableMongo }).__mediumMongo?.dispose();
}
