import { csvField, whereUsedCsv } from './where-used-csv';

describe('the where-used CSV', () => {
  it('quotes fields with commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });

  it('has a header and one line per row, in order', () => {
    const csv = whereUsedCsv([
      { lotId: 'REEL-C1A', serial: 'PWR10-0001', topSerial: 'GW100-0001', brand: 'Acme', productPartNumber: 'GW-100', shipped: true, shipments: [{ shipmentId: 'SHP-1', customer: 'Northwind, Inc.' }], path: [{ kind: 'lot', id: 'REEL-C1', via: 'root' }, { kind: 'serial', id: 'GW100-0001', via: 'installed' }], removed: false },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'topSerial,brand,product,shipped,shipments,installedIn,lotInstalled,path,removed',
      'GW100-0001,Acme,GW-100,true,"SHP-1 to Northwind, Inc.",PWR10-0001,REEL-C1A,REEL-C1 > GW100-0001,false',
      '',
    ]);
  });
});
