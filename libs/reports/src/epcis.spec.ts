import { assembleGenealogy, fetchedOf, storeOf } from '@trace/genealogy/testing';
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
