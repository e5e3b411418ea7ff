/**
 * `npm run bench:compare -- OLD.json NEW.json`: the figures of two bench runs side by side, with the change
 * and whether it is better or worse. Ratios are the figures to trust across machines; absolute rates and
 * latencies only compare on the same machine (the header says whether it is).
 */
import * as fs from 'node:fs';
import { BenchResult, renderTable } from './results';

function load(file: string): BenchResult {
  const r = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResult;
  if (r.format !== 1 || !Array.isArray(r.metrics)) throw new Error(`${file} is not a bench result (format 1)`);
  return r;
}

const fmt = (v: number, unit: string): string =>
  !Number.isFinite(v) ? 'n/a' : unit === 'x' ? v.toFixed(2) : unit === 'ms' ? v.toFixed(1) : Math.round(v).toLocaleString('en-US');

export function compare(a: BenchResult, b: BenchResult): string {
  const describe = (r: BenchResult): string =>
    `${r.commit.short}${r.commit.dirty.length ? '+dirty' : ''} ${r.mode} ${r.startedAt} on ${r.machine.cpus} x ${r.machine.cpuModel}, node ${r.machine.node}`;
  const sameMachine = a.machine.cpuModel === b.machine.cpuModel && a.machine.cpus === b.machine.cpus && a.mode === b.mode;
  const before = new Map(a.metrics.map((m) => [m.id, m]));
  const rows = b.metrics.flatMap((m) => {
    const old = before.get(m.id);
    if (!old) return [[m.label, '-', fmt(m.value, m.unit), m.unit, 'new', '']];
    const change = old.value === 0 ? Number.NaN : m.value / old.value - 1;
    const significant = Math.abs(change) >= 0.1;
    const better = m.better === 'none' || !significant ? '' : (m.better === 'higher') === change > 0 ? 'better' : 'WORSE';
    return [[m.label, fmt(old.value, m.unit), fmt(m.value, m.unit), m.unit, Number.isFinite(change) ? `${change >= 0 ? '+' : ''}${(change * 100).toFixed(0)}%` : 'n/a', better]];
  });
  const gone = a.metrics.filter((m) => !b.metrics.some((x) => x.id === m.id)).map((m) => [m.label, fmt(m.value, m.unit), '-', m.unit, 'gone', '']);
  return [
    `A: ${describe(a)}`,
    `B: ${describe(b)}`,
    sameMachine ? 'Same machine and mode: absolute figures compare too.' : 'Different machines or modes: compare the ratios (unit x) only.',
    'Changes under 10% are not marked: that is the noise of one run on a shared machine.',
    '',
    renderTable(['figure', 'A', 'B', 'unit', 'change', ''], [...rows, ...gone]),
  ].join('\n');
}

if (require.main === module) {
  const [fileA, fileB] = process.argv.slice(2);
  if (!fileA || !fileB) {
    process.stderr.write('usage: npm run bench:compare -- OLD.json NEW.json\n');
    process.exit(2);
  }
  process.stdout.write(`${compare(load(fileA), load(fileB))}\n`);
}
