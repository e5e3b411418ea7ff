import { DEAD_LETTER_HEADERS, TOPICS, makeEvent, toMessage } from '@trace/contracts';
import { TestWorld } from './support/harness';

describe('invalid messages', () => {
  const world = new TestWorld('deadletter');
  const installed = (serial: string, lotId: string) => makeEvent('MaterialInstalled', { serial, lotId, quantity: 1, refDes: ['R1'] });
  const valid = makeEvent('UnitStarted', { serial: 'SN-OK', brand: 'Acme', productPartNumber: 'P1', workOrder: 'WO1' });
  const afterPoison = installed('SN-OK', 'REEL-AFTER');
  const badQuantity = { ...installed('SN-OK', 'REEL-X'), data: { serial: 'SN-OK', lotId: 'REEL-X', quantity: 0, refDes: [] } };
  const stringQuantity = { ...installed('SN-OK', 'REEL-Y'), data: { serial: 'SN-OK', lotId: 'REEL-Y', quantity: '3', refDes: [] } };
  const { data: _dropped, ...noData } = installed('SN-OK', 'REEL-Z');
  const poison: { why: string; value: string; reason: string }[] = [
    { why: 'not JSON', value: '{"eventId": "broken', reason: 'INVALID_JSON' },
    { why: 'unknown type', value: JSON.stringify({ ...valid, eventId: 'x1', type: 'UnitTeleported' }), reason: 'UNKNOWN_TYPE' },
    { why: 'schema version 2', value: JSON.stringify({ ...valid, eventId: 'x2', schemaVersion: 2 }), reason: 'UNSUPPORTED_SCHEMA_VERSION' },
    { why: 'missing data', value: JSON.stringify(noData), reason: 'INVALID_ENVELOPE' },
    { why: 'zero quantity', value: JSON.stringify(badQuantity), reason: 'INVALID_DATA' },
    { why: 'quantity as a string', value: JSON.stringify(stringQuantity), reason: 'INVALID_DATA' },
  ];

  beforeAll(async () => {
    await Promise.all([world.startIngest(), world.startApi()]);
    const key = 'SN-OK'; // one key: every message lands on one partition, poison between valid events
    await world.produceRaw([
      { ...toMessage(valid), key },
      ...poison.map((p, i) => ({ topic: TOPICS.production, key, value: p.value, headers: { 'correlation-id': `corr-${i}` } })),
      { ...toMessage(afterPoison), key },
    ]);
    await world.waitForIngest();
  });
  afterAll(() => world.close());

  it('sends each to the dead-letter topic with its original bytes, the reason and where it came from', async () => {
    const letters = await world.readDeadLetters(poison.length);
    expect(letters).toHaveLength(poison.length);
    const byValue = new Map(letters.map((l) => [l.value?.toString('utf8'), l]));
    for (const [i, p] of poison.entries()) {
      const letter = byValue.get(p.value);
      expect(letter).toBeDefined();
      const h = (name: string) => letter!.headers?.[name]?.toString();
      expect(h(DEAD_LETTER_HEADERS.reason)).toBe(p.reason);
      expect(JSON.parse(h(DEAD_LETTER_HEADERS.errors)!).length).toBeGreaterThan(0);
      expect(h(DEAD_LETTER_HEADERS.topic)).toBe(world.topic(TOPICS.production));
      expect(h(DEAD_LETTER_HEADERS.partition)).toMatch(/^\d+$/);
      expect(h(DEAD_LETTER_HEADERS.offset)).toMatch(/^\d+$/);
      expect(h('correlation-id')).toBe(`corr-${i}`);
    }
  });

  it('names the field at fault', async () => {
    const letters = await world.readDeadLetters(poison.length);
    const zero = letters.find((l) => l.value?.toString() === poison[4]!.value)!;
    expect(zero.headers?.[DEAD_LETTER_HEADERS.errors]?.toString()).toContain('data.quantity');
  });

  it('keeps consuming: the valid events around the poison are recorded', async () => {
    const { status, body } = await world.get('/v1/serials/SN-OK/genealogy');
    expect(status).toBe(200);
    expect(body.unit.started).toBe(true);
    expect(body.unit.materials.map((m: { lotId: string }) => m.lotId)).toEqual(['REEL-AFTER']);
  });
});
