import { TraceEvent, makeEvent } from '@trace/contracts';

/**
 * The scale bench's data set of `installations` installations and its truth, computed, never read back. Per board 10
 * installations: 9 from common reels, 1 from a huge reel split in two; every 4 boards built into a system; a small reel
 * in 3 boards.
 */
export class Shape {
  readonly boards: number;
  readonly reels: number;
  constructor(readonly installations: number) {
    this.boards = installations / 10;
    this.reels = Math.max(10, Math.floor(this.boards / 100));
  }
  board = (b: number): string => `B-${b}`;
  system = (s: number): string => `SYS-${s}`;
  /**
   * A board's 9 reels: the next 9 of the reels taken in turn, so a system's 4 boards hold 36 consecutive reels, distinct
   * once there are 36 reels or more, and every reel is in 9 x boards / reels = 900 boards, each of another system. (The
   * stride of 7 and 131 before gave a system 18 distinct reels at 100 reels, 36 only from 300 on, and a reel 700 to 1,400
   * boards at 700.)
   */
  reelsOf = (b: number): string[] => Array.from({ length: 9 }, (_, k) => `R-${(b * 9 + k) % this.reels}`);
  hugeOf = (b: number): string => (b % 2 ? 'HUGE-A' : 'HUGE-B');
  /** Boards the small reel is installed in (besides nothing else). */
  smallBoards = (): number[] => [1, 2, 3].map((i) => Math.floor((i * this.boards) / 4));
  boardsOfReel(lotId: string): Set<string> {
    const out = new Set<string>();
    for (let b = 0; b < this.boards; b++) if (this.reelsOf(b).includes(lotId)) out.add(this.board(b));
    return out;
  }

  /** The events before the first board's: the vendor, every reel's receipt, the huge reel and its split, the small reel. */
  prelude(): TraceEvent[] {
    let seq = 0;
    const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data']): TraceEvent => event(++seq, type, data);
    const out: TraceEvent[] = [ev('VendorRegistered', { vendorId: 'V-1', name: 'Vendor', country: 'DE', status: 'approved' })];
    for (let r = 0; r < this.reels; r++) {
      out.push(ev('MaterialReceived', { receiptId: `GR-${r}`, vendorId: 'V-1', manufacturer: 'M', mpn: `MPN-${r % 50}`, internalPartNumber: 'I', vendorLotCode: `L${r}`, receivedAt: AT, uom: 'pcs', packages: [{ lotId: `R-${r}`, quantity: 1e6 }] }));
    }
    out.push(ev('MaterialReceived', { receiptId: 'GR-HUGE', vendorId: 'V-1', manufacturer: 'M', mpn: 'HUGE', internalPartNumber: 'I', vendorLotCode: 'H', receivedAt: AT, uom: 'pcs', packages: [{ lotId: 'HUGE', quantity: 1e8 }] }));
    out.push(ev('LotSplit', { sourceLotId: 'HUGE', newLots: [{ lotId: 'HUGE-A', quantity: 5e7 }, { lotId: 'HUGE-B', quantity: 5e7 }] }));
    out.push(ev('MaterialReceived', { receiptId: 'GR-SMALL', vendorId: 'V-1', manufacturer: 'M', mpn: 'SMALL', internalPartNumber: 'I', vendorLotCode: 'S', receivedAt: AT, uom: 'pcs', packages: [{ lotId: 'SMALL', quantity: 10 }] }));
    return out;
  }

  private small?: Set<number>;
  private isSmall = (b: number): boolean => (this.small ??= new Set(this.smallBoards())).has(b);

  /** How many events the stream holds before board `b`'s first (its position in the stream, from 0). */
  firstEventOf(b: number): number {
    const smallBefore = this.smallBoards().filter((x) => x < b).length;
    // Per board (boardEventCount): 12, one more every 4th board (its system's start) and in the small reel's 3 boards.
    return this.reels + 4 + 12 * b + Math.ceil(b / 4) + smallBefore;
  }

  /** How many events board `b` has (boardEvents(b).length, without making them). */
  boardEventCount = (b: number): number => 12 + (b % 4 === 0 ? 1 : 0) + (this.isSmall(b) ? 1 : 0);

  /** Board `b`'s events, numbered from `first` (firstEventOf(b)): as many as the stream has for it. */
  boardEvents(b: number, first = this.firstEventOf(b)): TraceEvent[] {
    let seq = first;
    const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data']): TraceEvent => event(++seq, type, data);
    const serial = this.board(b);
    const system = this.system(Math.floor(b / 4));
    const out: TraceEvent[] = [ev('UnitStarted', { serial, brand: b % 2 ? 'Acme' : 'Globex', productPartNumber: `BRD-${b % 5}`, workOrder: `WO-${b % 100}` })];
    for (const [k, lotId] of this.reelsOf(b).entries()) out.push(ev('MaterialInstalled', { serial, lotId, quantity: 1, refDes: [`C${k}`] }));
    out.push(ev('MaterialInstalled', { serial, lotId: this.hugeOf(b), quantity: 1, refDes: ['U1'] }));
    if (this.isSmall(b)) out.push(ev('MaterialInstalled', { serial, lotId: 'SMALL', quantity: 1, refDes: ['X1'] }));
    if (b % 4 === 0) out.push(ev('UnitStarted', { serial: system, brand: b % 2 ? 'Acme' : 'Globex', productPartNumber: 'SYS', workOrder: 'WO-S' }));
    out.push(ev('UnitAssembled', { serial: system, childSerial: serial }));
    return out;
  }

  /** The whole stream in order: the prelude, then every board's events. */
  *events(): Generator<TraceEvent> {
    yield* this.prelude();
    for (let b = 0, first = this.firstEventOf(0); b < this.boards; b++) {
      const events = this.boardEvents(b, first);
      first += events.length;
      yield* events;
    }
  }
}

const AT = '2026-11-01T08:00:00Z';
/** The stream's event number `seq` (from 1): its id is `s<seq>`, every event at the same time. */
const event = (seq: number, type: TraceEvent['type'], data: TraceEvent['data']): TraceEvent => makeEvent(type, data as never, { eventId: `s${seq}`, occurredAt: AT }) as TraceEvent;

/** A range over every system, reel or half: the least and the most. */
export interface Span {
  min: number;
  max: number;
}

/** What the timed questions depend on at one size, counted from the generator (what is timed asks the same where these agree). */
export interface ShapeFacts {
  installations: number;
  boards: number;
  reels: number;
  /** Distinct reels in a system's 4 boards: what a system's genealogy reads (its lots). */
  reelsPerSystem: Span;
  /** Boards a common reel is in, and the systems they are built into: what a common reel's where-used reads. */
  boardsPerReel: Span;
  systemsPerReel: Span;
  /** Boards with HUGE-A and with HUGE-B; the huge reel grows with the data set, by design: a first page must not. */
  hugeHalves: [number, number];
  /** The huge reel's first page (1,000 rows) is all in HUGE-A, the half its rows come from first. */
  firstPageInOneHalf: boolean;
}

const spanOf = (xs: Iterable<number>): Span => {
  let min = Infinity;
  let max = -Infinity;
  for (const x of xs) {
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  return { min, max };
};

/** The shape of a size, counted over every board (9 x boards steps: about a second at ten million installations). */
export function shapeFacts(shape: Shape, page = 1_000): ShapeFacts {
  const reelIndex = (lotId: string): number => Number(lotId.slice(2));
  const boardsPerReel = new Array<number>(shape.reels).fill(0);
  const systemsPerReel = new Array<number>(shape.reels).fill(0);
  const lastSystemOf = new Array<number>(shape.reels).fill(-1);
  const perSystem: number[] = [];
  let system = new Set<number>();
  const halves: [number, number] = [0, 0];
  for (let b = 0; b < shape.boards; b++) {
    const s = Math.floor(b / 4);
    if (b % 4 === 0 && b > 0) {
      perSystem.push(system.size);
      system = new Set();
    }
    for (const r of new Set(shape.reelsOf(b).map(reelIndex))) {
      boardsPerReel[r]!++;
      system.add(r);
      if (lastSystemOf[r] !== s) {
        systemsPerReel[r]!++;
        lastSystemOf[r] = s;
      }
    }
    halves[shape.hugeOf(b) === 'HUGE-A' ? 0 : 1]++;
  }
  perSystem.push(system.size);
  return {
    installations: shape.installations,
    boards: shape.boards,
    reels: shape.reels,
    reelsPerSystem: spanOf(perSystem),
    boardsPerReel: spanOf(boardsPerReel),
    systemsPerReel: spanOf(systemsPerReel),
    hugeHalves: halves,
    firstPageInOneHalf: halves[0] > page,
  };
}

/** How `other` asks other questions than `base` (empty when the timed questions are the same at both sizes). */
export function shapeDifferences(base: ShapeFacts, other: ShapeFacts): string[] {
  const out: string[] = [];
  const span = (s: Span): string => (s.min === s.max ? `${s.min}` : `${s.min} to ${s.max}`);
  for (const [key, what] of [
    ['reelsPerSystem', "distinct reels in a system's boards"],
    ['boardsPerReel', 'boards a common reel is in'],
    ['systemsPerReel', "systems of a common reel's boards"],
  ] as const) {
    if (span(base[key]) !== span(other[key])) out.push(`${what}: ${span(base[key])} at ${base.installations.toLocaleString('en-US')}, ${span(other[key])} at ${other.installations.toLocaleString('en-US')}`);
  }
  if (base.firstPageInOneHalf !== other.firstPageInOneHalf) out.push(`the huge reel's first page is ${base.firstPageInOneHalf ? '' : 'not '}within one half at ${base.installations.toLocaleString('en-US')}, ${other.firstPageInOneHalf ? '' : 'not '}at ${other.installations.toLocaleString('en-US')}`);
  return out;
}
