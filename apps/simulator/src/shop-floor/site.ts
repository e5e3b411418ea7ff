import { EventType, TraceEventOf, makeEvent } from '@trace/contracts';
import { Random } from '../random';

const SITE = 'site1';

/** Zero-padded decimal, so that ids of one kind sort in the order they were made. */
export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * The simulated site: its SMT lines, and the random source, clock and numbering of its events. Every draw, id and
 * time of a stream comes from here, in the order the events are made: that order alone is what makes a seed give the
 * same stream byte for byte.
 */
export class Site {
  readonly rnd: Random;
  /** Carried by every id, so that streams of different seeds can share one topic and one database. */
  readonly tag: string;
  private clock: number;
  private seq = 0;
  private readonly counters = new Map<string, number>();

  constructor(seed: number, startAt: number, private readonly lines: number) {
    this.rnd = new Random(seed);
    this.tag = `s${seed.toString(36)}`;
    this.clock = startAt;
  }

  /** The simulated time (ms since the epoch). */
  get now(): number {
    return this.clock;
  }

  /** The next number (from 1) of the named sequence. */
  next(name: string): number {
    const n = (this.counters.get(name) ?? 0) + 1;
    this.counters.set(name, n);
    return n;
  }

  /** Lets a random time between the two bounds pass. */
  tick(minSeconds: number, maxSeconds: number): void {
    this.clock += this.rnd.int(minSeconds * 1000, maxSeconds * 1000);
  }

  /** An event at the simulated time, with the stream's next event id. */
  event<T extends EventType>(type: T, data: TraceEventOf<T>['data'], source: string): TraceEventOf<T> {
    return makeEvent(type, data, { eventId: `sim-${this.tag}-${pad(++this.seq, 9)}`, occurredAt: new Date(this.clock).toISOString(), source });
  }

  /** A place on the site, as the `source` of its events (`site1/goods-in`). */
  at(place: string): string {
    return `${SITE}/${place}`;
  }

  /** The SMT line of an index, counting round the site's lines (`site1/smt-line-3`). */
  smtLine(index: number): string {
    return this.at(`smt-line-${(index % this.lines) + 1}`);
  }
}
