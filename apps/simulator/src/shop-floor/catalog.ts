// The world's fixed vocabulary: vendors (distributors, manufacturers' direct sales and brokers), part kinds, brands
// and the regions their goods ship to.

export const VENDORS: readonly (readonly [name: string, country: string])[] = [
  ['Arrow Electronics', 'US'], ['Avnet', 'US'], ['Future Electronics', 'CA'], ['Rutronik', 'DE'],
  ['WPG Holdings', 'TW'], ['Murata Electronics', 'JP'], ['Samsung Electro-Mechanics', 'KR'], ['Shenzhen Surplus Trading', 'CN'],
  ['TTI', 'US'], ['Wurth Elektronik eiSos', 'DE'], ['WT Microelectronics', 'TW'], ['Macnica', 'JP'],
  ['HK Component Brokers', 'HK'], ['Excelpoint', 'SG'], ['Farnell', 'GB'], ['Comtech', 'CN'],
  ['Digi-Key', 'US'], ['Mouser Electronics', 'US'], ['Serial Microelectronics', 'HK'], ['Vietnam Component Supply', 'VN'],
  ['RS Components', 'GB'], ['Yageo', 'TW'], ['Ingram Micro Mexico', 'MX'], ['TDK Europe', 'DE'],
];

export type Packaging = 'REEL' | 'TRAY' | 'BAG' | 'JAR';

export interface PartKind {
  code: string;
  /** Reference designator prefix on the board (C12, R7, U3...). */
  refDes: string;
  /** Relative frequency on a BOM. */
  weight: number;
  /** Relative number of placements per BOM line (passives repeat, ICs rarely do). */
  multiplicity: number;
  packaging: readonly Packaging[];
  packQty: readonly [number, number];
  makers: readonly (readonly [manufacturer: string, mpnPrefix: string])[];
  origins: readonly string[];
}

export const KINDS: readonly PartKind[] = [
  { code: 'CAP', refDes: 'C', weight: 34, multiplicity: 5, packaging: ['REEL'], packQty: [2000, 10000], makers: [['Murata', 'GRM188R71'], ['Samsung Electro-Mechanics', 'CL10B'], ['TDK', 'C1608X7R'], ['Yageo', 'CC0603KR'], ['Kemet', 'C0603C']], origins: ['JP', 'KR', 'CN', 'PH', 'TW'] },
  { code: 'RES', refDes: 'R', weight: 30, multiplicity: 5, packaging: ['REEL'], packQty: [5000, 10000], makers: [['Yageo', 'RC0603FR-07'], ['Vishay', 'CRCW0603'], ['Panasonic', 'ERJ-3EKF'], ['Rohm', 'MCR03EZP'], ['Bourns', 'CR0603-FX-']], origins: ['TW', 'CN', 'JP', 'MY'] },
  { code: 'IND', refDes: 'L', weight: 5, multiplicity: 2, packaging: ['REEL'], packQty: [1000, 4000], makers: [['Murata', 'LQM21PN'], ['TDK', 'MLZ2012'], ['Wurth Elektronik', '7443'], ['Coilcraft', 'XAL4020-']], origins: ['JP', 'CN', 'DE'] },
  { code: 'DIO', refDes: 'D', weight: 6, multiplicity: 2, packaging: ['REEL'], packQty: [3000, 10000], makers: [['Nexperia', 'BAS'], ['Diodes Inc', 'BAT54'], ['onsemi', 'MBR0'], ['Vishay', 'SS1']], origins: ['CN', 'PH', 'MY'] },
  { code: 'TRN', refDes: 'Q', weight: 6, multiplicity: 2, packaging: ['REEL'], packQty: [3000, 10000], makers: [['Nexperia', 'BSS138'], ['onsemi', 'NTR4'], ['Infineon', 'BSC0'], ['Diodes Inc', 'DMG']], origins: ['CN', 'MY', 'DE'] },
  { code: 'IC', refDes: 'U', weight: 10, multiplicity: 1, packaging: ['TRAY', 'REEL'], packQty: [90, 2500], makers: [['Texas Instruments', 'TPS'], ['Analog Devices', 'ADP'], ['STMicroelectronics', 'STM32F'], ['NXP', 'LPC'], ['Microchip', 'ATSAMD'], ['Renesas', 'R7FA'], ['Infineon', 'XMC']], origins: ['MY', 'PH', 'TW', 'US', 'DE', 'CN'] },
  { code: 'XTL', refDes: 'Y', weight: 2, multiplicity: 1, packaging: ['REEL'], packQty: [1000, 3000], makers: [['Epson', 'FC-135'], ['Abracon', 'ABM8-'], ['TXC', '7M']], origins: ['JP', 'TW', 'CN'] },
  { code: 'CON', refDes: 'J', weight: 4, multiplicity: 1, packaging: ['TRAY', 'BAG'], packQty: [50, 500], makers: [['Molex', '5'], ['TE Connectivity', '1-'], ['Amphenol', '10'], ['Wurth Elektronik', '6']], origins: ['CN', 'MX', 'US', 'DE'] },
  { code: 'LED', refDes: 'LED', weight: 3, multiplicity: 2, packaging: ['REEL'], packQty: [2000, 5000], makers: [['ams OSRAM', 'LT-'], ['Kingbright', 'APT1608'], ['Lite-On', 'LTST-C']], origins: ['MY', 'TW', 'CN'] },
];
export const KIND_WEIGHT = KINDS.reduce((s, k) => s + k.weight, 0);

export const SOLDER_PASTE_KIND: PartKind = {
  code: 'PASTE', refDes: '', weight: 0, multiplicity: 0, packaging: ['JAR'], packQty: [500, 500],
  makers: [['Indium', 'SAC305-T4-'], ['MacDermid Alpha', 'OM-340-']], origins: ['US', 'GB'],
};

export const BRANDS: readonly string[] = ['Acme', 'Northwind', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent', 'Hooli', 'Vandelay'];
export const REGIONS: readonly string[] = ['Europe', 'Americas', 'APAC'];
