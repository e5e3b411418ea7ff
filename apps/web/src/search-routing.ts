import type { SearchMatch } from './api-types';
import { lotPath, serialPath, shipmentPath, vendorLotKeyOf, vendorLotPath, vendorPath, workOrderPath } from './paths';

/** The page of a search match. */
export function matchPath(m: SearchMatch): string {
  switch (m.kind) {
    case 'serial':
      return serialPath(m.id);
    case 'lot':
      return lotPath(m.id);
    case 'vendor':
      return vendorPath(m.id);
    case 'vendorLot': {
      const key = vendorLotKeyOf(m.id);
      return key ? vendorLotPath(key) : `/search?q=${encodeURIComponent(m.id)}`;
    }
    case 'shipment':
      return shipmentPath(m.id);
    case 'workOrder':
      return workOrderPath(m.id);
  }
}

/** How a person reads a match's kind. */
export const KIND_WORDS: Record<SearchMatch['kind'], string> = {
  serial: 'serial',
  lot: 'package lot',
  vendor: 'vendor',
  vendorLot: 'vendor lot',
  shipment: 'shipment',
  workOrder: 'work order',
};

/** A match as a person reads it in a list: for a vendor lot its code, not the API's JSON id. */
export function matchTitle(m: SearchMatch): string {
  const key = m.kind === 'vendorLot' ? vendorLotKeyOf(m.id) : undefined;
  return `${KIND_WORDS[m.kind]} ${key ? key.vendorLotCode : m.id}`;
}

/** The page a path names, for the router: the kind and its ids, decoded; undefined for any other path. */
export type Route =
  | { kind: 'serial' | 'lot' | 'vendor' | 'report' | 'shipment' | 'workOrder'; id: string }
  | { kind: 'vendorLot'; vendorId: string; mpn: string; vendorLotCode: string };

const ONE_ID: Record<string, Exclude<Route['kind'], 'vendorLot'>> = {
  serials: 'serial',
  lots: 'lot',
  vendors: 'vendor',
  reports: 'report',
  shipments: 'shipment',
  'work-orders': 'workOrder',
};

export function routeOf(path: string): Route | undefined {
  const decode = (s: string): string | undefined => {
    try {
      return decodeURIComponent(s);
    } catch {
      return undefined; // a malformed escape is no page
    }
  };
  const one = /^\/([a-z-]+)\/([^/]+)$/.exec(path);
  if (one) {
    const kind = ONE_ID[one[1]!];
    const id = decode(one[2]!);
    return kind && id !== undefined ? { kind, id } : undefined;
  }
  const vl = /^\/vendor-lots\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
  if (vl) {
    const [vendorId, mpn, vendorLotCode] = vl.slice(1).map((s) => decode(s));
    if (vendorId !== undefined && mpn !== undefined && vendorLotCode !== undefined) return { kind: 'vendorLot', vendorId, mpn, vendorLotCode };
  }
  return undefined;
}

/** The chunks the pages are built into (apps/web/src/app.tsx loads each when first shown); search and home are in the shell. */
export type PageChunk = 'admin' | 'brands' | 'commonality' | 'lot' | 'records' | 'reports' | 'serial' | 'vendor';

/** The chunk of the page at `path`, for the app to fetch at its start beside the session; undefined for the shell's own pages. */
export function pageChunkOf(path: string): PageChunk | undefined {
  const route = routeOf(path);
  switch (route?.kind) {
    case 'serial':
    case 'lot':
    case 'vendor':
      return route.kind;
    case 'report':
      return 'reports';
    case 'vendorLot':
    case 'shipment':
    case 'workOrder':
      return 'records';
    case undefined:
      if (path === '/commonality') return 'commonality';
      if (path === '/reports') return 'reports';
      if (path === '/admin') return 'admin';
      if (path.startsWith('/brands/')) return 'brands';
      return undefined;
  }
}
