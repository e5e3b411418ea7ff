/** The access-log filters of the admin page, in its URL so that a filtered page has a deep link. */
export interface AccessLogFilters {
  keyId?: string;
  since?: string;
  until?: string;
  cursor?: string;
}

export function accessLogFiltersFromSearch(search: string): AccessLogFilters {
  const p = new URLSearchParams(search);
  const out: AccessLogFilters = {};
  for (const k of ['keyId', 'since', 'until', 'cursor'] as const) {
    const v = p.get(k)?.trim();
    if (v) out[k] = v;
  }
  return out;
}

/** The query string (for the page's URL and for GET /v1/access-log), empty filters left out. */
export function accessLogQuery(f: AccessLogFilters, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const k of ['keyId', 'since', 'until', 'cursor'] as const) if (f[k]) p.set(k, f[k]);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** A `datetime-local` value (local time, no zone) as an ISO instant; '' stays empty, nonsense is undefined. */
export function localToIso(value: string): string | undefined {
  if (value.trim() === '') return '';
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

/** An ISO instant as a `datetime-local` value (local time, to the second). */
export function isoToLocal(iso: string | undefined): string {
  if (!iso) return '';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}T${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}
