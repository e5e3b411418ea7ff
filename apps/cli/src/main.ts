import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ApiKeysRepository } from '@trace/access';
import { PlatformEnv, loadEnv } from '@trace/platform';
import { CliModule } from './cli.module';
import { KEYS_USAGE, keysCommand } from './keys.command';
import { UsageError } from './usage';
import { REPORTS_USAGE, runReports } from './reports.command';
import { GRAPH_USAGE, runGraph } from './graph.command';

// `npm run -s cli -- keys create --role quality --brand Acme`: administration from a shell, against
// the database named by MONGO_URL (the first admin key can only be made this way); `graph digest|rebuild`.
async function main(argv: string[]): Promise<number> {
  const [group, ...rest] = argv;
  if (group === 'reports') return runReports(rest);
  if (group === 'graph') return runGraph(rest);
  if (group !== 'keys') {
    process.stderr.write(`${group ? `unknown command ${group}\n` : ''}${KEYS_USAGE}\n${REPORTS_USAGE}\n${GRAPH_USAGE}\n`);
    return 2;
  }
  const env = loadEnv(PlatformEnv);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(env), { logger: ['error'], abortOnError: false });
  try {
    const lines = await keysCommand(rest, app.get(ApiKeysRepository));
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${KEYS_USAGE}\n`);
      return 2;
    }
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
