import { EventType, TraceEvent, TraceEventOf } from '../events';
import { makeEvent } from '../make-event';

/** Makes one test event of `type`: `at` in minutes after the builder's base, or an exact instant. */
export type TestEventBuilder = <T extends EventType>(type: T, data: TraceEventOf<T>['data'], at?: number | string) => TraceEvent;

/**
 * A spec's event builder, reproducible: ids `${prefix}1`, `${prefix}2`, … in call order; an event without `at` happens
 * `minute` minutes after `base` (default: as many minutes as events were made before it, so they come in call order).
 */
export function testEvents(prefix: string, { base = Date.UTC(2026, 10, 1, 8, 0), minute }: { base?: number; minute?: number } = {}): TestEventBuilder {
  let n = 0;
  return (type, data, at) => {
    const m = at ?? minute ?? n;
    const occurredAt = typeof m === 'string' ? m : new Date(base + m * 60_000).toISOString();
    return makeEvent(type, data, { occurredAt, eventId: `${prefix}${++n}` }) as TraceEvent;
  };
}
