import 'reflect-metadata';
import { startIngest } from './bootstrap';

startIngest().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
