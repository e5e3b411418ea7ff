import { accessLogFiltersFromSearch, accessLogQuery, isoToLocal, localToIso } from './access-log-filters';

describe('the access-log filters', () => {
  it('go into the URL and back, empty ones left out', () => {
    const f = { keyId: 'k1', since: '2026-12-01T08:00:00.000Z', cursor: '0123456789abcdef01234567' };
    expect(accessLogQuery(f)).toBe('?keyId=k1&since=2026-12-01T08%3A00%3A00.000Z&cursor=0123456789abcdef01234567');
    expect(accessLogFiltersFromSearch(accessLogQuery(f))).toEqual(f);
    expect(accessLogFiltersFromSearch('?keyId=&until=%20')).toEqual({});
    expect(accessLogQuery({}, { limit: '25' })).toBe('?limit=25');
  });

  it('turn a local date-time into an instant and back', () => {
    const local = '2026-12-01T09:15:30';
    const iso = localToIso(local)!;
    expect(new Date(iso).getTime()).toBe(new Date(2026, 11, 1, 9, 15, 30).getTime());
    expect(isoToLocal(iso)).toBe(local);
    expect(localToIso('')).toBe('');
    expect(localToIso('yesterday')).toBeUndefined();
    expect(isoToLocal('nonsense')).toBe('');
  });
});
