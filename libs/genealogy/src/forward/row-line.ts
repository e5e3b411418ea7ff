import { chronological } from '../facts/facts';
import type { UnitStart } from '../facts/claims';
import type { UnitDoc } from '../storage/graph.documents';
import type { RowParts, Use } from './climb';
import type { PathStep, WhereUsedRow } from './where-used.types';

// A where-used row as one NDJSON line, built field by field in the order climbedRows gives them: the same bytes as
// JSON.stringify(row), without the generic walk over each row object (its keys, their types, a replacer check per
// value). Strings that need escaping still go through JSON.stringify (V8's escaping: quotes, control characters, lone
// surrogates), and the rare nested values (a retraction) whole.

// A string with nothing to escape (no quote, backslash, control character or surrogate) is written as it is: what
// JSON.stringify gives for it, without the call; any other goes through JSON.stringify.
function plain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}
const str = (s: string): string => (plain(s) ? `"${s}"` : JSON.stringify(s));
function pathText(path: PathStep[]): string {
  let s = '[';
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    s += `${i === 0 ? '' : ','}{"kind":${str(step.kind)},"id":${str(step.id)},"via":${str(step.via)}}`;
  }
  return `${s}]`;
}

function stringsText(list: string[]): string {
  let s = '[';
  for (let i = 0; i < list.length; i++) s += i === 0 ? str(list[i]!) : `,${str(list[i]!)}`;
  return `${s}]`;
}

/** The row as JSON, byte for byte what JSON.stringify(row) gives for a row as climbedRows builds it (no newline). */
export function whereUsedRowJson(row: WhereUsedRow): string {
  let s = `{"lotId":${str(row.lotId)},"serial":${str(row.serial)},"topSerial":${str(row.topSerial)}`;
  if (row.brand !== undefined) s += `,"brand":${str(row.brand)}`;
  if (row.productPartNumber !== undefined) s += `,"productPartNumber":${str(row.productPartNumber)}`;
  if (row.conflictingFields !== undefined) s += `,"conflictingFields":${stringsText(row.conflictingFields)}`;
  s += `,"shipped":${row.shipped},"shipments":[`;
  for (let i = 0; i < row.shipments.length; i++) {
    const sh = row.shipments[i]!;
    s += `${i === 0 ? '' : ','}{"shipmentId":${str(sh.shipmentId)},"customer":${str(sh.customer)}}`;
  }
  s += `],"path":${pathText(row.path)},"removed":${row.removed}`;
  if (row.retracted !== undefined) s += `,"retracted":${row.retracted}`;
  if (row.retraction !== undefined) s += `,"retraction":${JSON.stringify(row.retraction)}`;
  if (row.candidate !== undefined) s += `,"candidate":${row.candidate}`;
  if (row.candidateLotIds !== undefined) s += `,"candidateLotIds":${stringsText(row.candidateLotIds)}`;
  return `${s}}`;
}

/**
 * Writes rows as NDJSON lines straight from their parts (rowsOfUse), without a row object, its path or its shipments:
 * the bytes of whereUsedRowJson(rowOf(parts)) + '\n'. What many rows share is written once: a lot's id and path by the
 * lot, a top-level unit's brand, product and shipments by its document (held weakly, as the climb holds its starts).
 */
export class LineWriter {
  /** The lines written since the last take(). */
  text = '';
  /** How many lines `text` holds. */
  rows = 0;
  private readonly lots = new Map<Use['lot'], { head: string; path: string }>();
  private readonly tops = new WeakMap<UnitDoc, string>();

  /** A row sink (RowSink) that writes each row it is given. */
  readonly add = (parts: Readonly<RowParts>): void => {
    const { use, topSerial, top, chain, start } = parts;
    let lot = this.lots.get(use.lot);
    if (lot === undefined) {
      const path = pathText(use.lot.path);
      this.lots.set(use.lot, (lot = { head: `{"lotId":${str(use.lot.lotId)},"serial":`, path: `,"path":${path.slice(0, -1)}` }));
    }
    // A unit that is its own top is a use's serial, read for its batch alone: not remembered (see topsOf).
    let topText = top !== undefined && chain.length > 1 ? this.tops.get(top) : undefined;
    if (topText === undefined) {
      topText = topFields(top, start);
      if (top !== undefined && chain.length > 1) this.tops.set(top, topText);
    }
    let s = `${lot.head}${str(use.serial)},"topSerial":${str(topSerial)}${topText}${lot.path}`;
    const sep = use.lot.path.length === 0 ? '' : ',';
    for (let i = 0; i < chain.length; i++) s += `${i === 0 ? sep : ','}{"kind":"serial","id":${str(chain[i]!)},"via":"${i === 0 ? 'installed' : 'assembled'}"}`;
    s += `],"removed":${parts.removed}`;
    if (parts.retraction) s += `,"retracted":true,"retraction":${JSON.stringify(parts.retraction)}`;
    if (parts.candidateLotIds) s += `,"candidate":true,"candidateLotIds":${stringsText(parts.candidateLotIds)}`;
    this.text += `${s}}\n`;
    this.rows++;
  };

  /** The lines written so far, and how many; the writer starts again empty. */
  take(): { text: string; rows: number } {
    const out = { text: this.text, rows: this.rows };
    this.text = '';
    this.rows = 0;
    return out;
  }
}

// The top-level unit's fields of a line, from brand to shipments, as whereUsedRowJson writes them.
function topFields(top: UnitDoc | undefined, start: UnitStart): string {
  let s = '';
  if (start.agreed.brand !== undefined) s += `,"brand":${str(start.agreed.brand)}`;
  if (start.agreed.productPartNumber !== undefined) s += `,"productPartNumber":${str(start.agreed.productPartNumber)}`;
  if (start.conflicts.length > 0) s += `,"conflictingFields":${stringsText(start.conflicts.map((c) => c.field))}`;
  const shipments = top?.shipments ? chronological(top.shipments) : [];
  s += `,"shipped":${shipments.length > 0},"shipments":[`;
  for (let i = 0; i < shipments.length; i++) s += `${i === 0 ? '' : ','}{"shipmentId":${str(shipments[i]!.shipmentId)},"customer":${str(shipments[i]!.customer)}}`;
  return `${s}]`;
}
