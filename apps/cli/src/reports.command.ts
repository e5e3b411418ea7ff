import { readFile } from 'node:fs/promises';
import { PublicReportKey, verifyReport } from '@trace/reports';
import { UsageError, parseCommandLine } from './usage';

export const REPORTS_USAGE = `usage:
  reports verify FILE [--keys KEYS.json]   exit 0 only if FILE is an authentic, unchanged report
                                           (keys from KEYS.json, as GET /v1/reports/keys serves them, else from the database)`;

/** The parsed `reports` command line. */
export interface ReportsArgs {
  file: string;
  keysFile?: string;
}

export function parseReportsArgs(args: string[]): ReportsArgs {
  const [sub, ...rest] = args;
  if (sub !== 'verify') throw new UsageError(sub ? `unknown command reports ${sub}` : 'missing command');
  const { values, positionals } = parseCommandLine(rest, { keys: { type: 'string' } });
  if (positionals.length > 1) throw new UsageError('reports verify takes one file');
  const [file] = positionals;
  const keysFile = values.keys;
  if (!file) throw new UsageError('reports verify needs a file');
  return { file, ...(keysFile ? { keysFile } : {}) };
}

/** Public keys from a file: the array GET /v1/reports/keys answers, or `{ "keys": [...] }`. */
export async function readKeysFile(path: string): Promise<PublicReportKey[]> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as unknown;
  const list = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(list)) throw new Error(`${path} holds no list of report keys`);
  return list as PublicReportKey[];
}

/** Verifies a report file offline; returns the exit status and the line to print. */
export async function verifyReportFile(file: string, keys: PublicReportKey[]): Promise<{ code: number; line: string }> {
  const result = verifyReport(await readFile(file), keys);
  return result.valid
    ? { code: 0, line: `authentic and unchanged: ${result.format} report signed by ${result.keyId} (${result.digest})` }
    : { code: 1, line: `NOT VALID: ${result.reason}` };
}

/** Runs `reports ...`: the exit status (0 valid, 1 not valid or failed, 2 usage). */
export async function runReports(args: string[]): Promise<number> {
  let parsed: ReportsArgs;
  try {
    parsed = parseReportsArgs(args);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${REPORTS_USAGE}\n`);
    return 2;
  }
  try {
    const keys = parsed.keysFile ? await readKeysFile(parsed.keysFile) : await keysFromDatabase();
    const { code, line } = await verifyReportFile(parsed.file, keys);
    (code === 0 ? process.stdout : process.stderr).write(line + '\n');
    return code;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function keysFromDatabase(): Promise<PublicReportKey[]> {
  // Only without --keys: no database connection, no Nest application context otherwise.
  const [{ NestFactory }, { PlatformEnv, loadEnv }, { CliModule }, { ReportKeysRepository }] = await Promise.all([
    import('@nestjs/core'),
    import('@trace/platform'),
    import('./cli.module'),
    import('@trace/reports'),
  ]);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(loadEnv(PlatformEnv)), { logger: ['error'], abortOnError: false });
  try {
    return await app.get(ReportKeysRepository).publicKeys();
  } finally {
    await app.close();
  }
}
