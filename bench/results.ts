import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One figure of a run; `better` tells bench:compare which way is an improvement. */
export interface Metric {
  id: string;
  label: string;
  value: number;
  unit: string;
  better: 'higher' | 'lower' | 'none';
  goal?: string;
}

/** A bench run as written to bench/results/<timestamp>-<shortsha>.json. */
export interface BenchResult {
  format: 1;
  mode: 'quick' | 'full';
  startedAt: string;
  seconds: number;
  commit: { sha: string; short: string; dirty: string[] };
  machine: { os: string; release: string; arch: string; cpus: number; cpuModel: string; memoryGb: number; node: string; loadAverage1m?: { start: number; end: number } };
  /** mongoHeap: the stand-in's -Xmx; mongoPeakRssMiB: its peak resident memory over the run (VmHWM). */
  backends: { kind: 'local' | 'env'; kafka: string; mongo: string; mongoVersion?: string; mongoHeap?: string; mongoPeakRssMiB?: number };
  /** Each section's wall time, in the order run. */
  sections?: { section: string; seconds: number }[];
  datasets: Record<string, unknown>;
  metrics: Metric[];
  notMeasured: { what: string; why: string }[];
  table: string;
}

const git = (args: string[]): string => {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd();
  } catch {
    return '';
  }
};

/** bench/results/<the run's start, to the second>Z-<name>.json, the file a run's results go to. */
export function resultPath(startedAt: Date | string, name: string): string {
  const at = typeof startedAt === 'string' ? startedAt : startedAt.toISOString();
  return path.join(__dirname, 'results', `${at.replace(/[-:]/g, '').slice(0, 15)}Z-${name}.json`);
}

/** Writes a run's results as indented JSON to resultPath(startedAt, name) and returns the file's path. */
export function writeResultFile(startedAt: Date | string, name: string, result: unknown): string {
  const file = resultPath(startedAt, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export function commitInfo(): BenchResult['commit'] {
  const sha = git(['rev-parse', 'HEAD']) || 'unknown';
  const dirty = git(['status', '--porcelain', '--untracked-files=no']).split('\n').filter(Boolean).map((l) => l.slice(3));
  return { sha, short: sha.slice(0, 7), dirty };
}

export function machineInfo(): BenchResult['machine'] {
  const cpus = os.cpus();
  return {
    os: os.type(),
    release: os.release(),
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** Renders rows as an aligned text table (Markdown-compatible). */
export function renderTable(header: string[], rows: (string[] | string)[]): string {
  const cells = rows.filter((r): r is string[] => Array.isArray(r));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => (c ?? '').padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`];
  for (const r of rows) out.push(Array.isArray(r) ? line(r) : line([`**${r}**`, ...header.slice(1).map(() => '')]));
  return out.join('\n');
}

export const fmtRate = (x: number): string => `${Math.round(x).toLocaleString('en-US')} ev/s`;
export const fmtMs = (x: number): string => (x >= 100 ? `${Math.round(x).toLocaleString('en-US')}` : x.toFixed(1));
export const fmtRatio = (x: number): string => (Number.isFinite(x) ? (x >= 10 ? x.toFixed(0) : x.toFixed(2)) : 'n/a');
