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
