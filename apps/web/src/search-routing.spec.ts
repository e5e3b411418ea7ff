import type { SearchMatch } from './api-types';
import { stepLabel } from './paths';
import { matchPath, matchTitle, pageChunkOf, routeOf } from './search-routing';

const m = (kind: SearchMatch['kind'], id: string): SearchMatch => ({ kind, id });

describe('search routing', () => {
  it('sends each kind of match to its page, and the page back to the same ids', () => {
    const vl = JSON.stringify(['V-MURATA', 'GRM188/X', 'M 2345']);
    expect(matchPath(m('vendorLot', vl))).toBe('/vendor-lots/V-MURATA/GRM188%2FX/M%202345');
    expect(routeOf(matchPath(m('vendorLot', vl)))).toEqual({ kind: 'vendorLot', vendorId: 'V-MURATA', mpn: 'GRM188/X', vendorLotCode: 'M 2345' });
    for (const [kind, id, path] of [
      ['serial', 'GW100-0001', '/serials/GW100-0001'],
      ['lot', 'REEL C1', '/lots/REEL%20C1'],
      ['vendor', 'V-MURATA', '/vendors/V-MURATA'],
      ['shipment', 'SHP-9001', '/shipments/SHP-9001'],
      ['workOrder', 'WO/1001', '/work-orders/WO%2F1001'],
    ] as const) {
      expect(matchPath(m(kind, id))).toBe(path);
      expect(routeOf(path)).toEqual({ kind, id });
    }
  });

  it('names a vendor lot match by its code, not by the API id', () => {
    expect(matchTitle(m('vendorLot', JSON.stringify(['V-MURATA', 'GRM188', 'M2345'])))).toBe('vendor lot M2345');
    expect(matchTitle(m('workOrder', 'WO-1'))).toBe('work order WO-1');
  });

  it('reads a vendor lot step of a where-used path by its code', () => {
    expect(stepLabel({ kind: 'vendorLot', id: JSON.stringify(['V-SHADY', 'CRCW', 'S1']) })).toBe('lot S1');
    expect(stepLabel({ kind: 'lot', id: 'REEL-S1' })).toBe('REEL-S1');
  });

  it('knows no page for another path or a malformed escape', () => {
    expect(routeOf('/search')).toBeUndefined();
    expect(routeOf('/things/x')).toBeUndefined();
    expect(routeOf('/lots/%E0%A4%A')).toBeUndefined();
    expect(routeOf('/vendor-lots/V/M')).toBeUndefined();
  });

  it("names the chunk of the page a load lands on, none for the shell's own pages", () => {
    for (const [path, chunk] of [
      ['/lots/REEL%20C1', 'lot'],
      ['/serials/GW100-0001', 'serial'],
      ['/vendors/V-MURATA', 'vendor'],
      ['/reports/job-1', 'reports'],
      ['/reports', 'reports'],
      ['/vendor-lots/V-MURATA/GRM188%2FX/M%202345', 'records'],
      ['/shipments/SH-1', 'records'],
      ['/work-orders/WO-1', 'records'],
      ['/commonality', 'commonality'],
      ['/admin', 'admin'],
      ['/brands/Acme/authority', 'brands'],
    ] as const)
      expect(pageChunkOf(path)).toBe(chunk);
    expect(pageChunkOf('/')).toBeUndefined();
    expect(pageChunkOf('/search')).toBeUndefined();
    expect(pageChunkOf('/things/x')).toBeUndefined();
  });
});
