import { eventIdOf } from './provenance';
import type { Timed } from '../storage/graph.documents';
import { byTimeThenEventId, chronological, earliest, inOrderOfTime } from './facts';
import { storedProvenance } from './provenance';

// Facts as stored: `at` is occurredAt (a Date in the driver's hands, an ISO string in fakes and older documents).
const fact = (eventId: string, at: string | Date): Timed & { id: string } =>
  ({ id: eventId, at: at as Date, prov: { eventId, type: 'T', source: 's', occurredAt: String(at) } }) as unknown as Timed & { id: string };

describe('facts in time order', () => {
  it('orders by the moment, whatever the notation, then by event id on a tie', () => {
    const facts = [
      fact('e3', '2026-11-01T08:00:00.000+01:00'), // 07:00Z: first
      fact('e2', '2026-11-01T08:00:00Z'),
      fact('e1', new Date('2026-11-01T08:00:00.000Z')), // the same moment as e2: the event id decides
      fact('e0', '2026-11-01T09:00:00Z'),
    ];
    expect(inOrderOfTime([...facts]).map((f) => f.id)).toEqual(['e3', 'e1', 'e2', 'e0']);
  });

  it('gives the order of comparing each pair of times, for a map of facts in any order', () => {
    const facts = Array.from({ length: 200 }, (_, i) => fact(`e${(i * 37) % 200}`, new Date(Date.UTC(2026, 10, 1, 8, (i * 7919) % 13)).toISOString()));
    const pairwise = [...facts].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime() || (eventIdOf(a.prov) < eventIdOf(b.prov) ? -1 : eventIdOf(a.prov) > eventIdOf(b.prov) ? 1 : 0));
    const map = Object.fromEntries(facts.map((f) => [f.id, f]));
    expect(chronological(map).map((f) => f.id)).toEqual(pairwise.map((f) => f.id));
    expect(chronological(undefined)).toEqual([]);
    expect([...facts].sort(byTimeThenEventId).map((f) => f.id)).toEqual(pairwise.map((f) => f.id));
  });

  it('takes the earliest of a map or a list in one pass, as the first in time order, the provenance in either stored form', () => {
    const facts = Array.from({ length: 50 }, (_, i) => fact(`e${(i * 37) % 50}`, new Date(Date.UTC(2026, 10, 1, 8, (i * 7919) % 5)).toISOString()));
    const asStored = facts.map((f, i) => (i % 2 ? { ...f, prov: storedProvenance({ eventId: eventIdOf(f.prov), type: 'UnitStarted', source: 's', occurredAt: String(f.at), topic: 't', partition: 0, offset: '1' }) } : f));
    for (const list of [facts, asStored, [...asStored].reverse()]) {
      expect(earliest(list)?.id).toBe(chronological(Object.fromEntries(list.map((f) => [f.id, f])))[0]!.id);
      expect(earliest(Object.fromEntries(list.map((f) => [f.id, f])))?.id).toBe(earliest(list)?.id);
    }
    expect(earliest(facts)?.id).toBe('e0'); // minute 0 holds e0 and e35, e10, ...: the event id decides
    expect(earliest(undefined)).toBeUndefined();
    expect(earliest([])).toBeUndefined();
  });
});
