import { Logger } from '@nestjs/common';
import { logLevels } from '@trace/platform';

// Every test worker logs at TEST_LOG_LEVEL (warn by default), as the apps it starts do: the test's own Kafka clients
// log through the Nest logger before any app has set its levels. Once an app starts, its pino logger (nestjs-pino, JSON
// lines) takes the Nest logger over for the whole worker, at the app's LOG_LEVEL, which the harness sets to the same.
Logger.overrideLogger(logLevels((process.env.TEST_LOG_LEVEL as Parameters<typeof logLevels>[0] | undefined) ?? 'warn'));
