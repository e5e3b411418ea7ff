import { provenanceFrom } from './provenance';
import { TraceEvent } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { BackwardTracer } from '../backward/backward-tracer';
import { GraphFetcher } from '../backward/graph-fetcher';
import { whereUsedOfLot } from '../forward/where-used';
import type { WhereUsedRow } from '../forward/where-used.types';
import { BrandScope, Genealogy, SITE_WIDE } from '../genealogy.types';
import { readerOf, storeOf } from '../testing/fake-graph';
import type { Timed } from '../storage/graph.documents';
import { FactView, isVisible, visibleDoc, visibleReader } from './visibility';

const ev = testEvents('v');
const at = (m: number): Date => new Date(Date.UTC(2026, 10, 1, 8, m));
const fact = (eventId: string, m: number): Timed => ({ at: at(m), prov: { eventId, type: 'MaterialInstalled', source: 's', occurredAt: at(m).toISOString(), topic: 't', partition: 0, offset: '0' } });
const retraction = { reason: 'wrong reel scanned', provenance: provenanceFrom(fact('r1', 9).prov) };

describe('the visibility of a fact', () => {
  it('is visible unless its event is retracted', () => {
    expect(isVisible(fact('e1', 1), { retractions: new Map() })).toBe(true);
    expect(isVisible(fact('e1', 1), { retractions: new Map([['e1', retraction]]) })).toBe(false);
    expect(isVisible(fact('e2', 1), { retractions: new Map([['e1', retraction]]) })).toBe(true);
  });

  it('as of a moment, is visible when it happened at or before it', () => {
    const none = new Map();
    expect(isVisible(fact('e1', 5), { retractions: none, asOf: at(5) })).toBe(true);
    expect(isVisible(fact('e1', 6), { retractions: none, asOf: at(5) })).toBe(false);
    expect(isVisible(fact('e1', 4), { retractions: new Map([['e1', retraction]]), asOf: at(5) })).toBe(false);
  });

  it('prunes single facts and maps of facts, keeps retracted ones aside, and takes the brand with the start', () => {
    const doc = { _id: 'U', brand: 'Acme', started: { brand: 'Acme', ...fact('s', 0) }, installs: { a: { lotId: 'L1', ...fact('i1', 1) }, b: { lotId: 'L2', ...fact('i2', 7) } } };
    const seen = visibleDoc(doc, { retractions: new Map([['s', retraction], ['i1', retraction]]), asOf: at(5) });
    expect(seen.brand).toBeUndefined();
    expect(seen.started).toBeUndefined();
    expect(seen.installs).toEqual({});
    expect(seen.retracted).toEqual({ started: { '': expect.objectContaining({ retraction }) }, installs: { a: expect.objectContaining({ lotId: 'L1', retraction }) } });
    expect(doc.installs.a).toBeDefined(); // the stored document is not changed
  });
});

// A board gets the wrong reel at C1; the operator retracts it and installs the right one. Then U1 is reworked.
const world = (): { events: TraceEvent[]; wrong: TraceEvent; retract: TraceEvent } => {
  const receive = (lotId: string, vendorId: string) =>
    ev('MaterialReceived', { receiptId: `R-${lotId}`, vendorId, manufacturer: 'M', mpn: `MPN-${lotId}`, internalPartNumber: 'I', vendorLotCode: lotId, receivedAt: at(0).toISOString(), uom: 'pcs', packages: [{ lotId, quantity: 100 }] }, 0);
  const wrong = ev('MaterialInstalled', { serial: 'BOARD', lotId: 'REEL-WRONG', quantity: 1, refDes: ['C1'] }, 2);
  const retract = ev('EventRetracted', { retractedEventId: wrong.eventId, reason: 'wrong reel scanned at C1' }, 3);
  const events = [
    receive('REEL-WRONG', 'V-W'), receive('REEL-RIGHT', 'V-R'), receive('REEL-U1', 'V-U'), receive('REEL-NEW', 'V-N'),
    ev('UnitStarted', { serial: 'BOARD', brand: 'Acme', productPartNumber: 'B-1', workOrder: 'WO' }, 1),
    wrong,
    retract,
    ev('MaterialInstalled', { serial: 'BOARD', lotId: 'REEL-RIGHT', quantity: 1, refDes: ['C1'] }, 4),
    ev('MaterialInstalled', { serial: 'BOARD', lotId: 'REEL-U1', quantity: 1, refDes: ['U1'] }, 5),
    ev('MaterialRemoved', { serial: 'BOARD', lotId: 'REEL-U1', refDes: ['U1'], reason: 'failed ICT' }, 10),
    ev('MaterialInstalled', { serial: 'BOARD', lotId: 'REEL-NEW', quantity: 1, refDes: ['U1'] }, 11),
  ];
  return { events, wrong, retract };
};
const orders = (events: TraceEvent[]): TraceEvent[][] => [events, [...events].reverse()];
const trace = (events: TraceEvent[], options: { history?: boolean; asOf?: Date } = {}, scope: BrandScope = SITE_WIDE): Promise<Genealogy | null> =>
  new BackwardTracer(new GraphFetcher(readerOf(storeOf(events)) as never)).trace('BOARD', scope, options);
const lots = (g: Genealogy | null): string[] => g!.unit.materials.map((m) => m.lotId);
const rows = async (events: TraceEvent[], lotId: string, asOf?: Date, history = false): Promise<WhereUsedRow[]> => {
  const reader = readerOf(storeOf(events));
  const answer = await whereUsedOfLot(visibleReader(reader, new FactView(reader, asOf)), lotId, SITE_WIDE);
  const out: WhereUsedRow[] = [];
  for await (const r of answer!.rows({}, SITE_WIDE, { history })) out.push(r);
  return out;
};

describe('a retracted installation', () => {
  it('is in no genealogy, whether the retraction arrives after or before the event it retracts', async () => {
    for (const events of orders(world().events)) {
      const g = await trace(events);
      expect(lots(g)).toEqual(['REEL-RIGHT', 'REEL-NEW']);
      expect(g!.vendors.map((v) => v.vendorId)).not.toContain('V-W');
      expect(g!.summary.installations).toBe(2);
    }
  });

  it('is listed with history, marked retracted with the reason and the retraction\'s provenance', async () => {
    const { events, retract } = world();
    const g = await trace(events, { history: true });
    const wrong = g!.unit.materials.find((m) => m.lotId === 'REEL-WRONG')!;
    expect(wrong).toMatchObject({ retracted: true, retraction: { reason: 'wrong reel scanned at C1', provenance: { eventId: retract.eventId, type: 'EventRetracted' } } });
    expect(g!.unit.materials.filter((m) => m.retracted)).toHaveLength(1);
    expect(g!.summary.installations).toBe(3); // the right reel, the removed one and its replacement: the retracted one counts nowhere
  });

  it('is no use of its reel in where-used, while the corrected reel is', async () => {
    for (const events of orders(world().events)) {
      expect(await rows(events, 'REEL-WRONG')).toEqual([]);
      expect((await rows(events, 'REEL-RIGHT')).map((r) => r.serial)).toEqual(['BOARD']);
    }
  });

  it('is listed in where-used with history, marked removed and retracted', async () => {
    const { events, retract } = world();
    const [row] = await rows(events, 'REEL-WRONG', undefined, true);
    expect(row).toMatchObject({ serial: 'BOARD', removed: true, retracted: true, retraction: { provenance: { eventId: retract.eventId } } });
    expect((await rows(events, 'REEL-RIGHT', undefined, true))[0]!.retracted).toBeUndefined();
  });

  it('stays retracted when the retraction is replayed or a second retraction names it', async () => {
    const { events, wrong } = world();
    const again = ev('EventRetracted', { retractedEventId: wrong.eventId, reason: 'said twice' }, 8);
    expect(lots(await trace([...events, events[6]!, again]))).toEqual(['REEL-RIGHT', 'REEL-NEW']);
  });

  it('stays retracted when the retraction itself is retracted: that has no effect', async () => {
    const { events, retract } = world();
    const undo = ev('EventRetracted', { retractedEventId: retract.eventId, reason: 'retracting the retraction' }, 9);
    expect(lots(await trace([...events, undo]))).toEqual(['REEL-RIGHT', 'REEL-NEW']);
  });
});

describe('a retracted start', () => {
  it('leaves the unit not started, of no brand: a brand\'s key gets the answer of an unknown serial', async () => {
    const { events } = world();
    const start = events.find((e) => e.type === 'UnitStarted')!;
    const all = [...events, ev('EventRetracted', { retractedEventId: start.eventId, reason: 'started under the wrong work order' }, 12)];
    expect(await trace(all, {}, { kind: 'brands', brands: ['Acme'] })).toBeNull();
    const site = await trace(all);
    expect(site!.unit.started).toBe(false);
    expect(site!.gaps.map((g) => g.code)).toContain('SERIAL_NEVER_STARTED');
  });
});

describe('as of a moment', () => {
  it('tells the unit as built then: before the rework the removed lot, after it its replacement', async () => {
    for (const events of orders(world().events)) {
      expect(lots(await trace(events, { asOf: at(6) }))).toEqual(['REEL-RIGHT', 'REEL-U1']);
      expect(lots(await trace(events, { asOf: at(10) }))).toEqual(['REEL-RIGHT']);
      expect(lots(await trace(events, { asOf: at(11) }))).toEqual(['REEL-RIGHT', 'REEL-NEW']);
      expect((await rows(events, 'REEL-U1', at(6))).map((r) => r.serial)).toEqual(['BOARD']);
      expect(await rows(events, 'REEL-U1', at(11))).toEqual([]);
      expect(await rows(events, 'REEL-NEW', at(6))).toEqual([]);
    }
  });

  it('keeps a retraction that came later: the past is told as corrected', async () => {
    expect(lots(await trace(world().events, { asOf: at(2) }))).toEqual([]);
  });

  it('knows no serial before it was started, for a brand\'s key', async () => {
    expect(await trace(world().events, { asOf: at(0) }, { kind: 'brands', brands: ['Acme'] })).toBeNull();
  });
});

describe('the cost of visibility', () => {
  it('adds one round trip to the backward walk, reading each event\'s retractions once', async () => {
    const reader = readerOf(storeOf(world().events));
    const g = await new BackwardTracer(new GraphFetcher(reader as never)).trace('BOARD', SITE_WIDE);
    const asked = reader.reads.filter((r) => r.collection === 'retractions').flatMap((r) => r.ids);
    expect(new Set(asked).size).toBe(asked.length);
    // units; lots; vendor lots and vendors; at most one more for the last level's retractions (the others ride along).
    expect(g!.roundTrips).toBeGreaterThanOrEqual(3);
    expect(g!.roundTrips).toBeLessThanOrEqual(3 + 1);
    expect(reader.reads.filter((r) => r.collection === 'retractions').length).toBeLessThanOrEqual(3);
  });
});

describe('a view learning while an earlier read of the same events is on its way (a read ahead)', () => {
  it('waits for that read instead of answering before the retraction is known, and asks for each event once', async () => {
    let answer!: () => void;
    const asked: string[][] = [];
    const view = new FactView({
      findRetractions: (ids) => {
        asked.push(ids);
        return new Promise((resolve) => (answer = () => resolve([{ _id: 'e1', retractions: { r: { reason: 'wrong reel scanned', ...fact('r1', 9) } } }])));
      },
    });
    const doc = { installs: { a: fact('e1', 1) } };
    const ahead = view.learn([doc]);
    let known: boolean | undefined;
    const later = view.learn([doc]).then(() => (known = view.retractions.has('e1')));
    await new Promise((r) => setImmediate(r));
    expect(known).toBeUndefined(); // still waiting for the read ahead
    answer();
    expect(await ahead).toBe(true);
    await later;
    expect(known).toBe(true);
    expect(view.see(doc).installs).toEqual({});
    expect(asked).toEqual([['e1']]);
  });

  it('asks again after a read that failed, and the failure reaches every learner that waited for it', async () => {
    let calls = 0;
    const view = new FactView({ findRetractions: () => (++calls === 1 ? Promise.reject(new Error('connection reset')) : Promise.resolve([])) });
    const doc = { installs: { a: fact('e1', 1) } };
    await expect(Promise.all([view.learn([doc]), view.learn([doc])])).rejects.toThrow('connection reset');
    expect(await view.learn([doc])).toBe(true);
    expect(calls).toBe(2);
  });
});

describe('a view over a store that can tell whether any retraction was ever recorded', () => {
  const retracted = { _id: 'e1', retractions: { r: { reason: 'wrong reel scanned', ...fact('r1', 9) } } };
  const doc = (): { installs: Record<string, Timed> } => ({ installs: { a: fact('e1', 1), b: fact('e2', 2) } });

  it('looks nothing up while there is none: one probe for the whole answer, every fact visible', async () => {
    const asked: string[][] = [];
    let probes = 0;
    const view = new FactView({ findRetractions: async (ids) => (asked.push(ids), []), anyRetraction: async () => (probes++, false) });
    expect(await view.learn([doc()])).toBe(true); // counted as asked: a round trip's count tells nothing of the site
    await view.learn([{ installs: { c: fact('e3', 3) } }]);
    expect(asked).toEqual([]);
    expect(probes).toBe(1);
    expect(Object.keys(view.see(doc()).installs)).toEqual(['a', 'b']);
  });

  it('counts what it would have asked the same with none recorded as with some, each event id once', async () => {
    // The walk counts a round trip when learn resolves true: a key must not tell from the count whether any retraction exists.
    const same = { starts: { s: fact('e10', 5) } }; // one document learnt again (the judgement after the read ahead)
    const learns = [
      [doc()],
      [{ installs: { x: fact('e2', 2) } }, { children: { y: fact('e1', 1) } }], // every id asked before: nothing new
      [{ starts: { s: fact('e9', 4) } }],
      [],
      [same],
      [same],
      [same, { starts: { t: fact('e11', 6) } }], // beside it, a document with an id not asked before
    ];
    const counts = async (any: boolean): Promise<boolean[]> => {
      const view = new FactView({ findRetractions: async () => [], anyRetraction: async () => any });
      await view.looksUp(); // the probe answered before the first learn, as on the walk's later levels
      const out: boolean[] = [];
      for (const docs of learns) out.push(await view.learn(docs));
      return out;
    };
    expect(await counts(false)).toEqual([true, false, true, false, true, false, true]);
    expect(await counts(false)).toEqual(await counts(true));
  });

  it('looks every event up once one exists, and prunes what is retracted', async () => {
    const asked: string[][] = [];
    const view = new FactView({ findRetractions: async (ids) => (asked.push(ids), ids.includes('e1') ? [retracted] : []), anyRetraction: async () => true });
    await view.learn([doc()]);
    expect(asked).toEqual([['e1', 'e2']]);
    expect(Object.keys(view.see(doc()).installs)).toEqual(['b']);
  });

  it('looks them up when the probe fails: a probe is never a reason to trust that nothing was retracted', async () => {
    const view = new FactView({ findRetractions: async () => [retracted], anyRetraction: () => Promise.reject(new Error('connection reset')) });
    await view.learn([doc()]);
    expect(Object.keys(view.see(doc()).installs)).toEqual(['b']);
  });
});
