import 'reflect-metadata';
import { startCfxBridge } from './bootstrap';

startCfxBridge().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
