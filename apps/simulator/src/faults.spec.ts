import { parseEvent } from '@trace/contracts';
import { INVALID_KINDS, SimMessage, corrupt, emptyFaultSummary, injectFaults } from './faults';
import { cleanMessages } from './simulation';

const clean = [...cleanMessages({ seed: 3, units: 250, partsPerBoard: 150, brands: 2 })];
const run = (o: { duplicates: number; reorder: number; invalid: number }, seed = 3) => {
  const summary = emptyFaultSummary();
  const out = [...injectFaults(clean, { ...o, seed }, summary)];
  return { summary, out };
};
const invalidCount = (s: ReturnType<typeof emptyFaultSummary>): number => INVALID_KINDS.reduce((n, k) => n + s.invalid[k], 0);

describe('injectFaults', () => {
  it('passes a clean stream through unchanged when no fault is asked for', () => {
    expect(run({ duplicates: 0, reorder: 0, invalid: 0 }).out).toEqual(clean);
  });

  it('injects each fault in the stated proportion, within a few standard deviations', () => {
    const p = { duplicates: 0.01, reorder: 0.05, invalid: 0.004 };
    const { summary } = run(p);
    const n = clean.length;
    expect(n).toBeGreaterThan(20_000);
    const within = (count: number, q: number): void => {
      const sd = Math.sqrt(n * q * (1 - q));
      expect(Math.abs(count - n * q)).toBeLessThan(4 * sd);
    };
    within(summary.duplicates, p.duplicates);
    within(summary.reordered, p.reorder);
    within(invalidCount(summary), p.invalid);
  });

  it('says exactly what it injected: the summary matches the messages sent', () => {
    const { summary, out } = run({ duplicates: 0.02, reorder: 0.05, invalid: 0.01 });
    expect(summary.events).toBe(clean.length);
    expect(summary.messages).toBe(out.length);
    const refused = out.filter((m) => !parseEvent(m.value, m.topic).ok);
    expect(refused.length).toBe(invalidCount(summary));
    const valid = out.filter((m) => parseEvent(m.value, m.topic).ok);
    expect(valid.length - new Set(valid.map((m) => m.value)).size).toBe(summary.duplicates);
    // Every clean event still arrives: faults add and move messages, they never lose one.
    expect(new Set(valid.map((m) => m.value))).toEqual(new Set(clean.map((m) => m.value)));
    const position = new Map(clean.map((m, i) => [m.value, i]));
    const firstSeen = [...new Map(valid.map((m) => [m.value, position.get(m.value)!])).values()];
    const movedBack = firstSeen.filter((p, i) => i > 0 && p < Math.max(...firstSeen.slice(Math.max(0, i - 600), i))).length;
    expect(movedBack).toBeGreaterThan(summary.reordered * 0.8);
  });

  it('reorders across topics: some events arrive after events of another topic that happened later', () => {
    const { out } = run({ duplicates: 0, reorder: 0.05, invalid: 0 });
    const position = new Map(clean.map((m, i) => [m.value, i]));
    let crossTopic = 0;
    for (let i = 1; i < out.length; i++) {
      if (position.get(out[i]!.value)! < position.get(out[i - 1]!.value)! && out[i]!.topic !== out[i - 1]!.topic) crossTopic++;
    }
    expect(crossTopic).toBeGreaterThan(0);
  });

  it('is deterministic for a seed and differs for another', () => {
    const o = { duplicates: 0.01, reorder: 0.05, invalid: 0.001 };
    expect(run(o).out).toEqual(run(o).out);
    expect(run(o, 4).out).not.toEqual(run(o).out);
  });
});

describe('corrupt', () => {
  const message = (type: string): SimMessage => clean.find((m) => JSON.parse(m.value).type === type)!;
  it.each([
    ['not-json', 'MaterialInstalled', 'INVALID_JSON'],
    ['unknown-type', 'UnitStarted', 'UNKNOWN_TYPE'],
    ['unsupported-version', 'LotSplit', 'UNSUPPORTED_SCHEMA_VERSION'],
    ['missing-field', 'VendorRegistered', 'INVALID_DATA'],
    ['bad-quantity', 'MaterialInstalled', 'INVALID_DATA'],
    ['bad-quantity', 'MaterialReceived', 'INVALID_DATA'],
  ] as const)('makes a %s copy of a %s that the contract refuses as %s', (kind, type, reason) => {
    const bad = corrupt(message(type), kind);
    expect(bad.kind).toBe(kind);
    const r = parseEvent(bad.message.value, bad.message.topic);
    expect(r.ok ? 'accepted' : r.reason).toBe(reason);
  });

  it('turns a bad quantity into a missing field on a type that has no quantity, and says so', () => {
    const bad = corrupt(message('UnitStarted'), 'bad-quantity');
    expect(bad.kind).toBe('missing-field');
    expect(parseEvent(bad.message.value, bad.message.topic).ok).toBe(false);
  });
});
