import type { CommonFactor, Commonality } from './api-types';
import { lotPath, vendorLotKeyOf, vendorLotPath, vendorPath } from './paths';

/** What the commonality page asks: the failed serials, and what to compare them with, all in its URL. */
export interface CommonalityAsk {
  serials: string[];
  comparison?: string[];
  sample?: number;
}

export function askFromSearch(search: string): CommonalityAsk | undefined {
  const p = new URLSearchParams(search);
  const serials = lines(p.get('serials'));
  if (serials.length === 0) return undefined;
  const comparison = lines(p.get('comparison'));
  const sample = Number(p.get('sample'));
  return { serials, ...(comparison.length > 0 ? { comparison } : Number.isInteger(sample) && sample > 0 ? { sample } : {}) };
}

export function askToSearch(ask: CommonalityAsk): string {
  const p = new URLSearchParams({ serials: ask.serials.join('\n') });
  if (ask.comparison && ask.comparison.length > 0) p.set('comparison', ask.comparison.join('\n'));
  else if (ask.sample) p.set('sample', String(ask.sample));
  return `?${p.toString()}`;
}

/** The request body of POST /v1/analysis/commonality. */
export const commonalityBody = (ask: CommonalityAsk): Record<string, unknown> => ({
  serials: ask.serials,
  ...(ask.comparison && ask.comparison.length > 0 ? { comparison: ask.comparison } : ask.sample ? { sampleComparison: ask.sample } : {}),
});

const lines = (v: string | null): string[] => (v ?? '').split('\n').map((s) => s.trim()).filter((s) => s !== '');

/** A factor in words, with the page it links to (a sub-assembly product has no page). */
export function describeFactor(f: CommonFactor): { kind: string; label: string; to?: string } {
  switch (f.kind) {
    case 'vendorLot': {
      const [vendorId, mpn, code] = parseVendorLotId(f.id);
      const key = vendorLotKeyOf(f.id);
      return { kind: 'vendor lot', label: `${mpn} lot ${code} of ${vendorId}`, to: key ? vendorLotPath(key) : vendorPath(vendorId) };
    }
    case 'vendor':
      return { kind: 'vendor', label: f.id, to: vendorPath(f.id) };
    case 'lot':
      return { kind: 'package lot', label: f.id, to: lotPath(f.id) };
    case 'subAssemblyProduct':
      return { kind: 'sub-assembly product', label: f.id };
  }
}

function parseVendorLotId(id: string): [string, string, string] {
  try {
    const v = JSON.parse(id) as unknown;
    if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'string')) return v as [string, string, string];
  } catch {
    // not the JSON triple: shown as it is
  }
  return [id, '?', '?'];
}

/** A share as a whole percentage: 0.666 -> `67 %`. */
export const percent = (share: number): string => `${Math.round(share * 100)} %`;

/** One sentence on what was analysed: how many known, which unknown, what the comparison was. */
export function analysedInWords(c: Commonality): string {
  const parts = [`${c.serials.length} serial${c.serials.length === 1 ? '' : 's'} analysed`];
  if (c.unknownSerials.length > 0) parts.push(`unknown, left out: ${c.unknownSerials.join(', ')}`);
  if (c.comparison) {
    const from = c.comparison.sampledFromProducts ? ` (a sample of ${c.comparison.sampledFromProducts.join(', ')})` : '';
    parts.push(`compared with ${c.comparison.serials.length} serial${c.comparison.serials.length === 1 ? '' : 's'}${from}`);
    if (c.comparison.unknownSerials.length > 0) parts.push(`unknown comparison serials: ${c.comparison.unknownSerials.join(', ')}`);
  }
  return `${parts.join('; ')}.`;
}
