import type { WhereUsedRow } from './api-types';
import { RunningCount, filtersFromSearch, plural, whereUsedQuery } from './where-used-filters';

const row = (topSerial: string, shipped: boolean): WhereUsedRow => ({ lotId: 'L', serial: topSerial, topSerial, shipped, shipments: [], path: [], removed: false });

describe('where-used filters', () => {
  it('become a query string without the empty ones, and come back from it', () => {
    expect(whereUsedQuery({ brand: ' Acme ', product: '', shipped: false }, { format: 'ndjson' })).toBe('?brand=Acme&shipped=false&format=ndjson');
    expect(whereUsedQuery({})).toBe('');
    expect(filtersFromSearch('?brand=Acme&shipped=true&product=GW-100')).toEqual({ brand: 'Acme', product: 'GW-100', shipped: true });
    expect(filtersFromSearch('?shipped=maybe')).toEqual({});
    expect(filtersFromSearch('?candidates=only')).toEqual({ candidates: 'only' });
    expect(filtersFromSearch('?candidates=all')).toEqual({});
    expect(whereUsedQuery({ candidates: 'exclude' })).toBe('?candidates=exclude');
  });

  it('count rows, distinct top-level units and shipped units as the stream arrives', () => {
    const count = new RunningCount();
    count.add([row('GW1', false), row('GW1', false), row('GW2', true)]);
    count.add([row('GW3', false), row('GW1', true)]);
    expect([count.rows, count.unitCount, count.shippedUnits]).toEqual([5, 3, 2]);
  });

  it('count a shipped unit once however many of its rows come, and a unit that shipped stays shipped', () => {
    const count = new RunningCount();
    count.add([row('GW1', true), row('GW1', true)]);
    count.add([row('GW1', false), row('GW2', false), row('GW2', true), row('GW2', true)]);
    expect([count.rows, count.unitCount, count.shippedUnits]).toEqual([6, 2, 2]);
  });

  it('words a count with its noun', () => {
    expect([plural(0, 'row'), plural(1, 'row'), plural(2, 'top-level unit')]).toEqual(['0 rows', '1 row', '2 top-level units']);
  });
});
