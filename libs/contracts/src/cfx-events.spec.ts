import { keyOf } from './events';
import { makeEvent } from './make-event';
import { parseEvent } from './parse-event';

// What IPC-CFX brings, as optional contract fields and two lot events: every producer of before stays valid.
const installed = (extra: Record<string, unknown> = {}) => ({
  ...makeEvent('MaterialInstalled', { serial: 'S1', lotId: 'REEL-A', quantity: 2, refDes: ['C1', 'C2'] }),
  ...{ data: { serial: 'S1', lotId: 'REEL-A', quantity: 2, refDes: ['C1', 'C2'], ...extra } },
});
const parse = (e: unknown) => parseEvent(JSON.stringify(e), 'trace.production.v1');
const errorsOf = (e: unknown, topic = 'trace.production.v1'): string[] => {
  const r = parseEvent(JSON.stringify(e), topic);
  if (r.ok) throw new Error('expected a rejection');
  return r.errors;
};

describe('contract: placement detail, alternates and candidate lots on MaterialInstalled', () => {
  it('accepts an installation without any of them, as before', () => {
    expect(parse(installed()).ok).toBe(true);
  });

  it('accepts placements, the replaced BOM part and candidate packages', () => {
    const r = parse(installed({
      placements: [{ refDes: 'C1', location: 'FDR-12 (1/12)', placedAt: '2026-11-01T08:00:01.123-04:00' }, { refDes: 'C2' }],
      bomPartNumber: 'CAP-100N',
      candidates: { lotIds: ['REEL-A', 'REEL-B'], reason: 'grey zone of the splice REEL-A -> REEL-B' },
    }));
    expect(r.ok && r.event.data).toMatchObject({ bomPartNumber: 'CAP-100N', candidates: { lotIds: ['REEL-A', 'REEL-B'] }, placements: [{ refDes: 'C1' }, { refDes: 'C2' }] });
  });

  it.each([
    ['a placement at a designator the installation does not name', { placements: [{ refDes: 'C9' }] }, 'C9 is not one of data.refDes'],
    ['a designator placed twice', { placements: [{ refDes: 'C1' }, { refDes: 'C1' }] }, 'placements must not repeat a refDes'],
    ['a placement time without an offset', { placements: [{ refDes: 'C1', placedAt: '2026-11-01T08:00:00' }] }, 'placedAt'],
    ['candidates without the installation lot', { candidates: { lotIds: ['REEL-B', 'REEL-C'], reason: 'grey zone' } }, 'candidates.lotIds must include data.lotId'],
    ['a single candidate', { candidates: { lotIds: ['REEL-A'], reason: 'grey zone' } }, 'lotIds'],
    ['candidates without a reason', { candidates: { lotIds: ['REEL-A', 'REEL-B'] } }, 'reason'],
    ['an empty BOM part number', { bomPartNumber: '' }, 'bomPartNumber'],
  ])('refuses %s', (_what, extra, message) => {
    expect(errorsOf(installed(extra)).join('\n')).toContain(message);
  });
});

describe('contract: splices on trace.lot.v1', () => {
  it('accepts a splice with its grey zone, keyed by the trailing package, and a splice point', () => {
    const splice = makeEvent('LotSpliced', { leadingLotId: 'REEL-A', trailingLotId: 'REEL-B', greyZone: 3, location: 'FDR-12' });
    expect(parseEvent(JSON.stringify(splice), 'trace.lot.v1').ok).toBe(true);
    expect(keyOf(splice)).toBe('REEL-B');
    const point = makeEvent('SplicePointDetected', { leadingLotId: 'REEL-A', trailingLotId: 'REEL-B' });
    expect(parseEvent(JSON.stringify(point), 'trace.lot.v1').ok).toBe(true);
  });

  it.each([
    ['a package spliced to itself', { leadingLotId: 'A', trailingLotId: 'A' }, 'must differ'],
    ['a negative grey zone', { leadingLotId: 'A', trailingLotId: 'B', greyZone: -1 }, 'greyZone'],
    ['a fractional grey zone', { leadingLotId: 'A', trailingLotId: 'B', greyZone: 1.5 }, 'greyZone'],
  ])('refuses %s', (_what, data, message) => {
    const e = { ...makeEvent('LotSpliced', { leadingLotId: 'A', trailingLotId: 'B' }), data };
    expect(errorsOf(e, 'trace.lot.v1').join('\n')).toContain(message);
  });
});
