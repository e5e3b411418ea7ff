import { createHash } from 'node:crypto';
import { TraceEvent, parseEvent, toMessage } from '@trace/contracts';
import { ShopFloorOptions, shopFloorEvents } from './shop-floor';

const small: ShopFloorOptions = { seed: 7, units: 40, partsPerBoard: 60, brands: 3 };
const events = (o: ShopFloorOptions = small): TraceEvent[] => [...shopFloorEvents(o)];
const digest = (es: TraceEvent[]): string => createHash('sha256').update(es.map((e) => toMessage(e).value).join('\n')).digest('hex');

describe('shopFloorEvents', () => {
  it('gives byte-identical streams for the same seed and options', () => {
    expect(digest(events())).toBe(digest(events()));
  });

  // Computed once on the generator as it stood before it was split into files; the bench's results name these options.
  // A change here is a change of every stream simulated since: it needs a reason, never a refresh to make a test pass.
  it.each([
    [small, 2743, '427885157496a9fad7d84fe5e24da318361393d049700670da3a7c712ff6e4c0'],
    [{ seed: 1, units: 5, partsPerBoard: 300, brands: 1 }, 1646, 'dc6896be071a319b80e765e038c0f49367092037cb30480e97a2ac9bbab30433'],
    [{ seed: 42, units: 60, partsPerBoard: 40, brands: 5, lines: 2 }, 2960, '74f5ccc44197e81793a00e20501426897b3b464840fccc7db144c70b2f0b8e1b'],
    [{ seed: 2026, units: 30, partsPerBoard: 20, brands: 12, lines: 1, startAt: Date.UTC(2025, 11, 31, 23) }, 1082, '388d8fa7bbe3a177499b97f07175eae8509f3e35f22db19c6ad353ac92d307e3'],
    [{ seed: 5, units: 3, partsPerBoard: 2600, brands: 1 }, 10238, 'f087ec41126e992256b4c32a1e7a013aaafc397b718b2b1e5597a7dbeeb55774'],
    [{ seed: 1, units: 30, partsPerBoard: 700, brands: 3 }, 16759, '94d29f150673c7284dc2e84f44f47ca7727712f7e73fbe31197a881bcf6b0186'],
  ] as [ShopFloorOptions, number, string][])('gives the pinned stream for %j', (options, count, sha256) => {
    const es = events(options);
    expect({ count: es.length, sha256: digest(es) }).toEqual({ count, sha256 });
  });

  it('gives a different stream for a different seed, with ids that do not collide', () => {
    const a = events();
    const b = events({ ...small, seed: 8 });
    expect(digest(b)).not.toBe(digest(a));
    const idsOfA = new Set(a.map((e) => e.eventId));
    expect(b.some((e) => idsOfA.has(e.eventId))).toBe(false);
  });

  it('takes times from the simulated clock, not the wall clock, and never goes back in time', () => {
    const es = events();
    expect(es[0]!.occurredAt).toBe('2026-01-05T06:00:00.000Z');
    for (let i = 1; i < es.length; i++) expect(es[i]!.occurredAt >= es[i - 1]!.occurredAt).toBe(true);
  });

  it('produces only events that pass the contract on their own topic, with unique event ids', () => {
    const es = events();
    const refused = es.map((e) => ({ e, r: parseEvent(toMessage(e).value, toMessage(e).topic) })).filter((x) => !x.r.ok);
    expect(refused.map((x) => ({ eventId: x.e.eventId, r: x.r }))).toEqual([]);
    expect(new Set(es.map((e) => e.eventId)).size).toBe(es.length);
  });

  it('simulates every kind of fact the contract has, with vendors in several countries and some not approved', () => {
    const es = events();
    expect(new Set(es.map((e) => e.type))).toEqual(
      new Set(['VendorRegistered', 'VendorStatusChanged', 'MaterialReceived', 'LotSplit', 'LotMerged', 'LotStatusChanged', 'UnitStarted', 'MaterialInstalled', 'UnitAssembled', 'UnitShipped']),
    );
    const vendors = es.flatMap((e) => (e.type === 'VendorRegistered' ? [e.data] : []));
    expect(new Set(vendors.map((v) => v.country)).size).toBeGreaterThanOrEqual(4);
    expect(vendors.some((v) => v.status === 'conditional')).toBe(true);
    expect(es.some((e) => e.type === 'VendorStatusChanged' && e.data.status === 'disqualified')).toBe(true);
    expect(new Set(es.flatMap((e) => (e.type === 'UnitStarted' ? [e.data.brand] : []))).size).toBe(3);
    expect(new Set(es.filter((e) => e.type === 'MaterialInstalled').map((e) => e.source)).size).toBeGreaterThanOrEqual(3);
  });

  it('builds a top-level board with the asked number of placements over tens of distinct parts', () => {
    const es = events({ ...small, units: 1, partsPerBoard: 300, brands: 1 });
    const top = es.find((e) => e.type === 'UnitStarted' && !es.some((x) => x.type === 'UnitAssembled' && x.data.childSerial === e.data.serial))!;
    const installs = es.flatMap((e) => (e.type === 'MaterialInstalled' && e.data.serial === (top.data as { serial: string }).serial ? [e.data] : []));
    expect(installs.reduce((n, i) => n + i.refDes.length, 0)).toBe(300);
    expect(installs.filter((i) => i.refDes.length > 0).length).toBeGreaterThanOrEqual(50);
  });

  it('only installs lots that were received, split or merged before, and only assembles units that were started', () => {
    const known = new Set<string>();
    const started = new Set<string>();
    const vendors = new Set<string>();
    const problems: string[] = [];
    for (const e of events()) {
      switch (e.type) {
        case 'VendorRegistered':
          vendors.add(e.data.vendorId);
          break;
        case 'MaterialReceived':
          if (!vendors.has(e.data.vendorId)) problems.push(`${e.eventId}: vendor ${e.data.vendorId} not registered`);
          e.data.packages.forEach((p) => known.add(p.lotId));
          break;
        case 'LotSplit':
          if (!known.has(e.data.sourceLotId)) problems.push(`${e.eventId}: split of unknown ${e.data.sourceLotId}`);
          e.data.newLots.forEach((l) => known.add(l.lotId));
          break;
        case 'LotMerged':
          e.data.sourceLotIds.filter((l) => !known.has(l)).forEach((l) => problems.push(`${e.eventId}: merge of unknown ${l}`));
          known.add(e.data.lotId);
          break;
        case 'UnitStarted':
          started.add(e.data.serial);
          break;
        case 'MaterialInstalled':
          if (!known.has(e.data.lotId)) problems.push(`${e.eventId}: installs unknown lot ${e.data.lotId}`);
          if (!started.has(e.data.serial)) problems.push(`${e.eventId}: installs into unstarted ${e.data.serial}`);
          break;
        case 'UnitAssembled':
          if (!started.has(e.data.childSerial)) problems.push(`${e.eventId}: assembles unstarted ${e.data.childSerial}`);
          break;
        default:
          break;
      }
    }
    expect(problems).toEqual([]);
  });
});
