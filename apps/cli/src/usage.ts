import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A usage error: printed with the usage, exit status 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node's own parser, strict; what it refuses (unknown option, missing value) becomes a UsageError. */
export function parseCommandLine<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
