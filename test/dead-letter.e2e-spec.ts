import { CORRELATION_ID_HEADER, DEAD_LETTER_HEADERS, DEAD_LETTER_TOPIC, TOPICS, makeEvent, toMessage } from '@trace/contracts';
import { ConfigResourceTypes, KafkaMessage } from 'kafkajs';
import { TestWorld } from './support/harness';

describe('invalid messages', () => {
  const world = new TestWorld('deadletter');
  const key = 'SN-OK'; // one key: every message lands on one partition, poison between valid events
  const installed = (serial: string, lotId: string) => makeEvent('MaterialInstalled', { serial, lotId, quantity: 1, refDes: ['R1'] });
  const valid = makeEvent('UnitStarted', { serial: 'SN-OK', brand: 'Acme', productPartNumber: 'P1', workOrder: 'WO1' });
  const afterPoison = installed('SN-OK', 'REEL-AFTER');
  const afterHuge = installed('SN-OK', 'REEL-AFTER-HUGE');
  const afterStorm = installed('SN-OK', 'REEL-AFTER-STORM');
  const badQuantity = { ...installed('SN-OK', 'REEL-X'), data: { serial: 'SN-OK', lotId: 'REEL-X', quantity: 0, refDes: [] } };
  const stringQuantity = { ...installed('SN-OK', 'REEL-Y'), data: { serial: 'SN-OK', lotId: 'REEL-Y', quantity: '3', refDes: [] } };
  const { data: _dropped, ...noData } = installed('SN-OK', 'REEL-Z');
  // Built as text: the test must not recurse 5,000 levels either.
  const deep = JSON.stringify(installed('SN-OK', 'REEL-DEEP')).replace('"refDes":', `"extra":${'['.repeat(5_000)}${']'.repeat(5_000)},"refDes":`);
  const poison: { why: string; value: string; reason: string }[] = [
    { why: 'not JSON', value: '{"eventId": "broken', reason: 'INVALID_JSON' },
    { why: 'unknown type', value: JSON.stringify({ ...valid, eventId: 'x1', type: 'UnitTeleported' }), reason: 'UNKNOWN_TYPE' },
    { why: 'schema version 2', value: JSON.stringify({ ...valid, eventId: 'x2', schemaVersion: 2 }), reason: 'UNSUPPORTED_SCHEMA_VERSION' },
    { why: 'missing data', value: JSON.stringify(noData), reason: 'INVALID_ENVELOPE' },
    { why: 'zero quantity', value: JSON.stringify(badQuantity), reason: 'INVALID_DATA' },
    { why: 'quantity as a string', value: JSON.stringify(stringQuantity), reason: 'INVALID_DATA' },
    { why: 'a 5,000-deep array in data', value: deep, reason: 'TOO_DEEP' },
    { why: 'the type "__proto__"', value: JSON.stringify({ ...valid, eventId: 'x3', type: '__proto__' }), reason: 'UNKNOWN_TYPE' },
    { why: 'an impossible instant', value: JSON.stringify({ ...valid, eventId: 'x4', occurredAt: '2026-13-45T25:61Z' }), reason: 'INVALID_ENVELOPE' },
  ];
  const STORM = 10_000;
  const storm = Array.from({ length: STORM }, (_, i) => JSON.stringify({ ...valid, eventId: `storm-${i}`, type: 'UnitTeleported' }));
  let limit = 0;
  let huge = '';
  let letters: KafkaMessage[] = [];

  beforeAll(async () => {
    await Promise.all([world.startIngest(), world.startApi()]);
    limit = await maxMessageBytes(world, world.topic(DEAD_LETTER_TOPIC));
    // One message just under the broker's limit (the record batch around it takes ~100 bytes): its dead
    // letter, with the reason and origin headers added, would not fit unless the ingest truncates it.
    const filler = limit - 300 - JSON.stringify({ ...valid, eventId: 'x5', source: '' }).length;
    huge = JSON.stringify({ ...valid, eventId: 'x5', source: 'x'.repeat(filler) });

    await world.produceRaw([
      { ...toMessage(valid), key },
      ...poison.map((p, i) => ({ topic: TOPICS.production, key, value: p.value, headers: { [CORRELATION_ID_HEADER]: `corr-${i}` } })),
      { ...toMessage(afterPoison), key },
    ]);
    await world.produceRaw([{ topic: TOPICS.production, key, value: huge }]);
    await world.produceRaw([{ ...toMessage(afterHuge), key }]);
    // In requests of 1,000, under the limit of a produce request; in a row on the same partition.
    for (let i = 0; i < STORM; i += 1_000) {
      await world.produceRaw(storm.slice(i, i + 1_000).map((value) => ({ topic: TOPICS.production, key, value })));
    }
    await world.produceRaw([{ ...toMessage(afterStorm), key }]);
    await world.waitForIngest(180_000);
    letters = await world.readDeadLetters();
  }, 300_000);
  afterAll(() => world.close());

  const letterOf = (value: string) => letters.find((l) => l.value?.toString('utf8') === value);
  const h = (letter: KafkaMessage | undefined, name: string) => letter?.headers?.[name]?.toString();

  it('sends each to the dead-letter topic with its original bytes, the reason and where it came from', () => {
    for (const [i, p] of poison.entries()) {
      const letter = letterOf(p.value);
      expect({ why: p.why, found: letter !== undefined }).toEqual({ why: p.why, found: true });
      expect({ why: p.why, reason: h(letter, DEAD_LETTER_HEADERS.reason) }).toEqual({ why: p.why, reason: p.reason });
      expect(JSON.parse(h(letter, DEAD_LETTER_HEADERS.errors)!).length).toBeGreaterThan(0);
      expect(h(letter, DEAD_LETTER_HEADERS.topic)).toBe(world.topic(TOPICS.production));
      expect(h(letter, DEAD_LETTER_HEADERS.partition)).toMatch(/^\d+$/);
      expect(h(letter, DEAD_LETTER_HEADERS.offset)).toMatch(/^\d+$/);
      expect(h(letter, CORRELATION_ID_HEADER)).toBe(`corr-${i}`);
      expect(letter!.key?.toString()).toBe(key);
      expect(h(letter, 'dlq.original.key')).toBeUndefined(); // the key is kept once, as the key
    }
  });

  it('names the field at fault', () => {
    expect(h(letterOf(poison[4]!.value), DEAD_LETTER_HEADERS.errors)).toContain('data.quantity');
  });

  it('dead-letters 10,000 poison messages in a row, each once', () => {
    const storms = letters.filter((l) => l.value?.toString().includes('"eventId":"storm-'));
    expect(storms).toHaveLength(STORM);
    expect(new Set(storms.map((l) => h(l, DEAD_LETTER_HEADERS.offset))).size).toBe(STORM);
    expect(storms.every((l) => h(l, DEAD_LETTER_HEADERS.reason) === 'UNKNOWN_TYPE')).toBe(true);
    expect(letters).toHaveLength(poison.length + 1 + STORM);
  });

  it('dead-letters a message just under the broker limit, truncated and saying so', () => {
    expect(huge.length).toBeGreaterThan(limit - 400);
    const letter = letters.find((l) => h(l, DEAD_LETTER_HEADERS.valueTruncated) !== undefined);
    expect(letter).toBeDefined();
    expect(h(letter, DEAD_LETTER_HEADERS.reason)).toBe('INVALID_ENVELOPE');
    expect(h(letter, DEAD_LETTER_HEADERS.valueTruncated)).toBe(String(Buffer.byteLength(huge)));
    expect(huge.startsWith(letter!.value!.toString())).toBe(true);
    expect(letter!.value!.length).toBeGreaterThan(limit - 20_000);
    expect(letter!.key?.toString()).toBe(key);
  });

  it('keeps consuming: the valid events around and behind the poison are recorded', async () => {
    const { status, body } = await world.get('/v1/serials/SN-OK/genealogy');
    expect(status).toBe(200);
    expect(body.unit.started).toBe(true);
    expect(body.unit.materials.map((m: { lotId: string }) => m.lotId).sort()).toEqual(['REEL-AFTER', 'REEL-AFTER-HUGE', 'REEL-AFTER-STORM']);
  });
});

/** The dead-letter topic's limit for one record batch, as the broker says. */
async function maxMessageBytes(world: TestWorld, topic: string): Promise<number> {
  const admin = world.kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }] });
    return Number(resources[0]!.configEntries.find((e) => e.configName === 'max.message.bytes')!.configValue);
  } finally {
    await admin.disconnect();
  }
}
