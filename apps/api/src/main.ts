import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { startApi } from './bootstrap';

startApi()
  .then(({ url }) => new Logger('api').log(`listening on ${url} (OpenAPI at ${url}/docs)`))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
