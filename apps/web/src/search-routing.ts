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
