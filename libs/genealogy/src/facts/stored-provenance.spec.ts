// The provenance as stored (one string of its seven values) and as answered (the object), and the documents written
// before the string form: the same answers, byte for byte, from either.
import { makeEvent } from '@trace/contracts';
import { gatewayAuthority, gatewayScenario } from '@trace/contracts/testing';
import { assembleGenealogy } from '../backward/assemble-genealogy';
import { GraphFetcher } from '../backward/graph-fetcher';
import { judgeWithReads } from '../authority/authority-judge';
import { authorityReaderOf } from '../authority/fake-authority';
import { SITE_WIDE } from '../genealogy.types';
import { whereUsedOfLot } from '../forward/where-used';
import { traceLotLineage } from '../lineage/lot-lineage';
import { FakeStore, readerOf, storeOf } from '../testing/fake-graph';
import * as provenance from './provenance';
import { type Provenance, eventIdOf, provenanceFrom, storedProvenance } from './provenance';
import { FactView } from './visibility';

const prov: Provenance = { eventId: 'evt-1', type: 'MaterialInstalled', source: 'site1/smt-line-1', occurredAt: '2026-11-02T06:00:00.000Z', topic: 'trace.shopfloor.v1', partition: 3, offset: '1234' };

describe('a provenance as stored', () => {
  it('is one string that reads back as the same object, its keys in the same order', () => {
    const stored = storedProvenance(prov);
    expect(typeof stored).toBe('string');
    expect(JSON.stringify(provenanceFrom(stored))).toBe(JSON.stringify(prov));
    expect(eventIdOf(stored)).toBe('evt-1');
    expect(provenanceFrom(prov)).toBe(prov); // written before the string form: read as it is
    expect(eventIdOf(prov)).toBe('evt-1');
  });

  it('stays the object where a value holds the separator or the partition is no non-negative integer', () => {
    for (const odd of [{ ...prov, eventId: 'a\u001fb' }, { ...prov, source: 'x\u001f' }, { ...prov, offset: '\u001f' }, { ...prov, partition: -1 }, { ...prov, partition: 1.5 }]) {
      expect(storedProvenance(odd)).toBe(odd);
    }
    expect(JSON.stringify(provenanceFrom(storedProvenance({ ...prov, eventId: '', source: '' })))).toBe(JSON.stringify({ ...prov, eventId: '', source: '' }));
  });
});

describe('documents written before the provenance was one string', () => {
  const scenario = gatewayScenario();
  const retraction = makeEvent('EventRetracted', { retractedEventId: scenario.events.find((e) => e.type === 'MaterialInstalled')!.eventId, reason: 'wrong reel scanned' }, { eventId: 'retract-1', occurredAt: '2026-11-03T07:00:00Z' });
  const events = [...gatewayAuthority(), ...scenario.events, retraction];
  const now = storeOf(events);
  // Written as before the string form: the writer's provenance the object provenanceOf gives.
  const spy = jest.spyOn(provenance, 'storedProvenance').mockImplementation((p) => p);
  const before = storeOf(events);
  spy.mockRestore();

  it('are what the ingest writes now but for the provenance', () => {
    const provs = (store: FakeStore) => JSON.stringify([...(store.units ?? [])]).match(/"prov":\{/g)?.length ?? 0;
    expect(provs(now)).toBe(0);
    expect(provs(before)).toBeGreaterThan(10);
  });

  it('answer the judged genealogy, the lot lineage and the where-used byte for byte as documents written now', async () => {
    const answers = async (store: FakeStore) => {
      const reader = readerOf(store);
      const graph = await new GraphFetcher(reader as never).fetch(scenario.ids.top);
      const authority = authorityReaderOf(store);
      const genealogy = await judgeWithReads(authority, assembleGenealogy(scenario.ids.top, graph), SITE_WIDE, graph.view ?? new FactView(authority));
      const lot = genealogy.unit.materials[0]!.lotId;
      const whereUsed = await whereUsedOfLot(reader as never, lot, SITE_WIDE);
      const rows = [];
      for await (const row of whereUsed!.rows({}, SITE_WIDE)) rows.push(row);
      return JSON.stringify({ genealogy, lineage: await traceLotLineage(reader as never, lot), whereUsed, rows });
    };
    const a = await answers(now);
    expect(a).toContain('"provenance":{"eventId":');
    expect(await answers(before)).toBe(a);
  });
});
