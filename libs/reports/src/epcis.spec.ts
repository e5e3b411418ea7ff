import { GraphFetcher, assembleGenealogy, fetchedOf, readerOf, storeOf } from '@trace/genealogy/testing';
import { makeEvent } from '@trace/contracts';
import { gatewayScenario } from '@trace/contracts/testing';
import { epcisDocument, lotClass, unitEpc } from './epcis';

const { validateEpcisDocument } = require('epcis2.js') as { validateEpcisDocument: (doc: unknown, throwError: boolean) => { success: boolean; errors: string[] } };

describe('EPCIS 2.0 export', () => {
  const scenario = gatewayScenario();
  const doc = epcisDocument(assembleGenealogy(scenario.ids.top, fetchedOf(storeOf(scenario.events))), '2026-11-03T08:00:00.000Z') as {
    epcisBody: { eventList: { eventTime: string; eventID: string }[] };
  };

  it('is valid against the EPCIS 2.0 JSON Schema', () => {
    expect(validateEpcisDocument(doc, false)).toEqual({ success: true, errors: [] });
  });

  it('lists its events oldest first, each with its own event id', () => {
    const events = doc.epcisBody.eventList;
    expect(events.map((e) => e.eventTime)).toEqual(events.map((e) => e.eventTime).sort());
    expect(new Set(events.map((e) => e.eventID)).size).toBe(events.length);
  });

  it('makes URIs of any id by percent-encoding it', () => {
    expect(unitEpc('SN 1/2:3')).toBe('urn:ems-trace:unit:SN%201%2F2%3A3');
    expect(lotClass('REEL#1')).toBe('urn:ems-trace:lot:REEL%231');
  });
});

describe('EPCIS 2.0 export of a retraction', () => {
  const scenario = gatewayScenario();
  const wrong = scenario.events.find((e) => e.type === 'MaterialInstalled')!;
  const retraction = makeEvent('EventRetracted', { retractedEventId: wrong.eventId, reason: 'wrong reel scanned' }, { eventId: 'retract-1', occurredAt: '2026-11-03T07:00:00Z' });
  type Doc = { epcisBody: { eventList: { eventID: string; 'ems:sourceEventId': string; errorDeclaration?: Record<string, unknown> }[] } };
  let now: Doc;
  let history: Doc;
  beforeAll(async () => {
    // Read as the API reads: through the walk, which sees the retraction.
    const graph = await new GraphFetcher(readerOf(storeOf([...scenario.events, retraction])) as never).fetch(scenario.ids.top);
    now = epcisDocument(assembleGenealogy(scenario.ids.top, graph), '2026-11-03T08:00:00.000Z') as Doc;
    history = epcisDocument(assembleGenealogy(scenario.ids.top, graph, { history: true }), '2026-11-03T08:00:00.000Z') as Doc;
  });

  it('carries the retracted installation with an error declaration, and stays valid EPCIS 2.0', () => {
    const declared = history.epcisBody.eventList.filter((e) => e.errorDeclaration);
    expect(declared.map((e) => e['ems:sourceEventId'])).toEqual([wrong.eventId]);
    expect(declared[0]!.errorDeclaration).toEqual(expect.objectContaining({ declarationTime: '2026-11-03T07:00:00Z', reason: 'did_not_occur', 'ems:reason': 'wrong reel scanned', 'ems:retractionEventId': 'retract-1' }));
    expect(validateEpcisDocument(history, false)).toEqual({ success: true, errors: [] });
  });

  it('is otherwise the export without the retracted installation', () => {
    const undeclared = history.epcisBody.eventList.filter((e) => !e.errorDeclaration).map((e) => e.eventID);
    expect(undeclared).toEqual(now.epcisBody.eventList.map((e) => e.eventID));
    expect(now.epcisBody.eventList.map((e) => e['ems:sourceEventId'])).not.toContain(wrong.eventId);
  });
});
