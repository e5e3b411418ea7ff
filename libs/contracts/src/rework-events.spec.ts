import { makeEvent } from './make-event';
import { parseEvent } from './parse-event';

describe('rework events on trace.production.v1', () => {
  const removed = makeEvent('MaterialRemoved', { serial: 'SN-1', lotId: 'REEL-1', refDes: ['U1'], reason: 'failed ICT' });
  const disassembled = makeEvent('UnitDisassembled', { serial: 'SN-1', childSerial: 'SUB-1', reason: 'replaced' });

  it('accepts MaterialRemoved and UnitDisassembled, keyed by the serial', () => {
    for (const e of [removed, disassembled]) expect(parseEvent(JSON.stringify(e), 'trace.production.v1')).toMatchObject({ ok: true, event: { type: e.type } });
  });

  it('refuses them on another topic, without a reason, or taking a unit out of itself', () => {
    expect(parseEvent(JSON.stringify(removed), 'trace.lot.v1')).toMatchObject({ ok: false, reason: 'WRONG_TOPIC' });
    const noReason = { ...removed, data: { serial: 'SN-1', lotId: 'REEL-1', refDes: [] } };
    expect(parseEvent(JSON.stringify(noReason))).toMatchObject({ ok: false, reason: 'INVALID_DATA' });
    const self = { ...disassembled, data: { ...disassembled.data, childSerial: 'SN-1' } };
    expect(parseEvent(JSON.stringify(self))).toMatchObject({ ok: false, reason: 'INVALID_DATA', errors: ['data.childSerial must differ from data.serial'] });
  });
});

describe('UnitDisqualified on trace.production.v1', () => {
  const disqualified = makeEvent('UnitDisqualified', { serial: 'SN-1', reason: 'CFX UnitsDisqualified: DefectiveRepairNotPossible' });

  it('accepts a unit disqualified with its reason, on the production topic only', () => {
    expect(parseEvent(JSON.stringify(disqualified), 'trace.production.v1')).toMatchObject({ ok: true, event: { type: 'UnitDisqualified', data: { serial: 'SN-1' } } });
    expect(parseEvent(JSON.stringify(disqualified), 'trace.lot.v1')).toMatchObject({ ok: false, reason: 'WRONG_TOPIC' });
  });

  it('refuses one without a reason or without a serial', () => {
    expect(parseEvent(JSON.stringify({ ...disqualified, data: { serial: 'SN-1' } }))).toMatchObject({ ok: false, reason: 'INVALID_DATA' });
    expect(parseEvent(JSON.stringify({ ...disqualified, data: { reason: 'scrapped' } }))).toMatchObject({ ok: false, reason: 'INVALID_DATA' });
  });
});
