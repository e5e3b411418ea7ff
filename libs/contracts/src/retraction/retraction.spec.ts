import { SOURCE_TOPICS } from '../topics';
import { makeEvent, retractionMessage, toMessage } from '../make-event';
import { parseEvent } from '../parse-event';

const installed = () => makeEvent('MaterialInstalled', { serial: 'SN-1', lotId: 'REEL-WRONG', quantity: 1, refDes: ['C1'] }, { eventId: 'inst-1' });

describe('EventRetracted', () => {
  it('is accepted on every trace topic, brand authority included', () => {
    const value = JSON.stringify(makeEvent('EventRetracted', { retractedEventId: 'inst-1', reason: 'wrong reel scanned' }));
    for (const topic of SOURCE_TOPICS) expect(parseEvent(value, topic)).toMatchObject({ ok: true, event: { type: 'EventRetracted', data: { retractedEventId: 'inst-1' } } });
    expect(SOURCE_TOPICS).toContain('trace.brand.v1');
  });

  it('is refused on a topic that is not a trace topic, and without a reason', () => {
    const value = JSON.stringify(makeEvent('EventRetracted', { retractedEventId: 'inst-1', reason: 'wrong reel' }));
    expect(parseEvent(value, 'trace.deadletter.v1')).toMatchObject({ ok: false, reason: 'WRONG_TOPIC' });
    const noReason = JSON.stringify(makeEvent('EventRetracted', { retractedEventId: 'inst-1', reason: '' }));
    expect(parseEvent(noReason, 'trace.production.v1')).toMatchObject({ ok: false, reason: 'INVALID_DATA' });
  });

  it('cannot retract itself', () => {
    const value = JSON.stringify(makeEvent('EventRetracted', { retractedEventId: 'self', reason: 'oops' }, { eventId: 'self' }));
    const r = parseEvent(value, 'trace.production.v1');
    expect(r).toMatchObject({ ok: false, reason: 'INVALID_DATA' });
    expect(!r.ok && r.errors.join()).toContain('own eventId');
  });

  it('travels on the topic and under the key of the event it retracts', () => {
    const m = retractionMessage(installed(), 'wrong reel scanned');
    expect({ topic: m.topic, key: m.key }).toEqual({ topic: toMessage(installed()).topic, key: 'SN-1' });
    expect(m.event.data).toEqual({ retractedEventId: 'inst-1', reason: 'wrong reel scanned' });
    expect(() => toMessage(m.event)).toThrow(/retractionMessage/);
    expect(() => retractionMessage(m.event, 'undo')).toThrow(/cannot be retracted/);
  });
});
