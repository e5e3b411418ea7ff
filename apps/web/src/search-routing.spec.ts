import type { SearchMatch, SessionInfo } from './api-types';
import { stepLabel } from './paths';
import { pageAt } from './routes';
import { matchPath, matchTitle } from './search-routing';

const m = (kind: SearchMatch['kind'], id: string): SearchMatch => ({ kind, id });
const quality: SessionInfo = { keyId: 'k', role: 'quality', brands: '*', csrfToken: 't', expiresAt: '2099-01-01', idleExpiresAt: '2099-01-01' };

describe('search routing', () => {
  it('sends each kind of match to its page, and the page back to the same ids', () => {
    const vl = JSON.stringify(['V-MURATA', 'GRM188/X', 'M 2345']);
    expect(matchPath(m('vendorLot', vl))).toBe('/vendor-lots/V-MURATA/GRM188%2FX/M%202345');
    expect(pageAt(matchPath(m('vendorLot', vl)), '', quality)).toMatchObject({ page: 'vendorLot', props: { vendorId: 'V-MURATA', mpn: 'GRM188/X', vendorLotCode: 'M 2345' } });
    for (const [kind, id, path, props] of [
      ['serial', 'GW100-0001', '/serials/GW100-0001', { serial: 'GW100-0001' }],
      ['lot', 'REEL C1', '/lots/REEL%20C1', { lotId: 'REEL C1' }],
      ['vendor', 'V-MURATA', '/vendors/V-MURATA', { vendorId: 'V-MURATA' }],
      ['shipment', 'SHP-9001', '/shipments/SHP-9001', { shipmentId: 'SHP-9001' }],
      ['workOrder', 'WO/1001', '/work-orders/WO%2F1001', { workOrder: 'WO/1001' }],
    ] as const) {
      expect(matchPath(m(kind, id))).toBe(path);
      expect(pageAt(path, '', quality)).toMatchObject({ page: kind, props });
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
});
