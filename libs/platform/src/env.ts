import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describeErrors } from '@trace/contracts';

/**
 * Reads and validates configuration from the environment once, at start. A bad variable stops the
 * process with a message that names it, instead of failing later somewhere else.
 */
export function loadEnv<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const config = plainToInstance(cls, { ...env }, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false });
  if (errors.length > 0) {
    throw new Error(`Invalid configuration:\n  ${describeErrors(errors).join('\n  ')}`);
  }
  return config;
}
