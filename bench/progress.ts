import * as fs from 'node:fs';
import * as os from 'node:os';

/** The run's log on stderr: a line at least every `everyMs` while a section is silent, and each section's duration. */
export interface ProgressLog {
  log(line: string): void;
  /** Ends the section under way (if any) and starts the next one. */
  section(name: string): void;
  /** Ends the last section and the heartbeat; returns every section's duration. */
  stop(): { section: string; seconds: number }[];
}

/** `what` says what to add to a heartbeat line (e.g. the stand-in's memory). */
export function progressLog(prefix: string, what: () => string = () => '', everyMs = 30_000): ProgressLog {
  let last = Date.now();
  let current: { name: string; since: number } | undefined;
  const durations: { section: string; seconds: number }[] = [];
  const log = (line: string): void => {
    last = Date.now();
    process.stderr.write(`[${prefix} ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  };
  const end = (): void => {
    if (!current) return;
    const seconds = Math.round((Date.now() - current.since) / 1000);
    durations.push({ section: current.name, seconds });
    log(`${current.name}: done in ${seconds} s`);
    current = undefined;
  };
  // A section that is silent for long (a soak, a bulk load, a walk through a hundred pages) still shows it is alive;
  // a synchronous step (simulating a data set) holds the event loop and this line with it.
  const timer = setInterval(() => {
    if (Date.now() - last < everyMs) return;
    const extra = what();
    log(`${current ? `${current.name}: ${Math.round((Date.now() - current.since) / 1000)} s in` : 'running'}; load ${os.loadavg()[0]!.toFixed(1)}${extra ? `; ${extra}` : ''}`);
  }, Math.min(5_000, everyMs));
  timer.unref();
  return {
    log,
    section(name) {
      end();
      current = { name, since: Date.now() };
      log(`${name}: started`);
    },
    stop() {
      end();
      clearInterval(timer);
      return durations;
    },
  };
}

/** Resident memory of a process from /proc (Linux): now and its peak (VmHWM), in MiB; undefined elsewhere. */
export function rssOf(pid: number | undefined): { rssMiB: number; peakMiB: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}
