import { boundedRequest, ENTRY_BOUNDS } from './access-log.middleware';

describe('boundedRequest (what the access log stores of a URL)', () => {
  it('keeps the query as [name, value] pairs in order, names with NUL, $ and . included', () => {
    expect(boundedRequest('/v1/x?%00=1&a.b=2&%24where=3&a=1&a=2', ENTRY_BOUNDS.authenticated)).toEqual({
      path: '/v1/x',
      query: [['\u0000', '1'], ['a.b', '2'], ['$where', '3'], ['a', '1'], ['a', '2']],
      truncated: false,
    });
  });

  it('cuts a long path and a long query to the bounds and says so', () => {
    const b = boundedRequest(`/v1/${'p'.repeat(5_000)}?q=${'v'.repeat(5_000)}&r=1`, ENTRY_BOUNDS.anonymous);
    expect(b.truncated).toBe(true);
    expect(b.path).toHaveLength(ENTRY_BOUNDS.anonymous.path);
    expect(b.query).toEqual([['q', 'v'.repeat(ENTRY_BOUNDS.anonymous.query - 1)]]);
    const many = boundedRequest(`/v1/x?${Array.from({ length: 2_000 }, (_, i) => `k${i}=1`).join('&')}`, ENTRY_BOUNDS.authenticated);
    expect(many.truncated).toBe(true);
    expect(many.query.flat().join('').length).toBeLessThanOrEqual(ENTRY_BOUNDS.authenticated.query);
  });
});
