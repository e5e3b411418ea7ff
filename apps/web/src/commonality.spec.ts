import type { Commonality } from './api-types';
import { analysedInWords, askFromSearch, askToSearch, commonalityBody, describeFactor, percent } from './commonality';

describe('the commonality page', () => {
  it('keeps what it asks in its URL and reads it back', () => {
    const ask = { serials: ['GW-1', 'GW, 2'], comparison: ['GW-9'] };
    expect(askFromSearch(askToSearch(ask))).toEqual(ask);
    expect(askFromSearch(askToSearch({ serials: ['GW-1'], sample: 50 }))).toEqual({ serials: ['GW-1'], sample: 50 });
    expect(askFromSearch('?serials=')).toBeUndefined();
    expect(askFromSearch('?serials=A&sample=-3')).toEqual({ serials: ['A'] });
  });

  it('asks the API with a comparison set, or a sample, never both', () => {
    expect(commonalityBody({ serials: ['A'] })).toEqual({ serials: ['A'] });
    expect(commonalityBody({ serials: ['A'], comparison: ['B'], sample: 5 })).toEqual({ serials: ['A'], comparison: ['B'] });
    expect(commonalityBody({ serials: ['A'], sample: 5 })).toEqual({ serials: ['A'], sampleComparison: 5 });
  });

  it('names each factor and links it to its page', () => {
    const f = { count: 2, share: 1, serials: ['A', 'B'] };
    expect(describeFactor({ ...f, kind: 'vendorLot', id: JSON.stringify(['V-MURATA', 'GRM188', 'M2345']) })).toEqual({ kind: 'vendor lot', label: 'GRM188 lot M2345 of V-MURATA', to: '/vendor-lots/V-MURATA/GRM188/M2345' });
    expect(describeFactor({ ...f, kind: 'vendor', id: 'V/1' })).toEqual({ kind: 'vendor', label: 'V/1', to: '/vendors/V%2F1' });
    expect(describeFactor({ ...f, kind: 'lot', id: 'REEL-C1' })).toEqual({ kind: 'package lot', label: 'REEL-C1', to: '/lots/REEL-C1' });
    expect(describeFactor({ ...f, kind: 'subAssemblyProduct', id: 'PWR-10' })).toEqual({ kind: 'sub-assembly product', label: 'PWR-10' });
    expect(describeFactor({ ...f, kind: 'vendorLot', id: 'not json' }).to).toBe('/vendors/not%20json');
  });

  it('says what was analysed in words', () => {
    const c: Commonality = { serials: ['A', 'B'], unknownSerials: ['X'], comparison: { serials: ['C'], unknownSerials: [], sampledFromProducts: ['GW-100'] }, factors: [], roundTrips: 3 };
    expect(analysedInWords(c)).toBe('2 serials analysed; unknown, left out: X; compared with 1 serial (a sample of GW-100).');
    expect(percent(2 / 3)).toBe('67 %');
  });
});
