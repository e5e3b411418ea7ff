import { parseEvent } from '../parse-event';
import { TopicalEventType, keyOf, topicOf } from '../events';

const envelope = (type: string, data: object) =>
  JSON.stringify({ eventId: `e-${type}`, type, schemaVersion: 1, occurredAt: '2026-11-20T08:00:00Z', source: 'acme/plm', data });

const valid = {
  PartApproved: { brand: 'Acme', approvalId: 'AVL-1', internalPartNumber: 'CAP-100N', manufacturer: 'Murata', mpn: 'GRM188', vendorIds: ['V-1'], reason: 'qualified' },
  PartApprovalWithdrawn: { brand: 'Acme', approvalId: 'AVL-1', reason: 'end of life' },
  DeviationApproved: {
    brand: 'Acme', deviationId: 'DEV-7', internalPartNumber: 'CAP-100N', manufacturer: 'Kemet', mpn: 'C0603', productPartNumbers: ['GW-100'], workOrders: ['WO-1'],
    maxQuantity: 500, validFrom: '2026-11-20T00:00:00Z', validUntil: '2026-12-20T00:00:00+01:00', approvedBy: 'q@acme.example', reason: 'shortage',
  },
  DeviationRevoked: { brand: 'Acme', deviationId: 'DEV-7', reason: 'back in stock' },
  BomReleased: { brand: 'Acme', productPartNumber: 'GW-100', revision: 'C', effectiveFrom: '2026-11-21T00:00:00Z', lines: [{ internalPartNumber: 'CAP-100N', quantity: 4, refDes: ['C1', 'C2', 'C3', 'C4'] }, { internalPartNumber: 'PCB-1', quantity: 1 }] },
};

describe('the brand contract (trace.brand.v1)', () => {
  it.each(Object.entries(valid))('accepts a valid %s on trace.brand.v1, keyed by the brand', (type, data) => {
    const parsed = parseEvent(envelope(type, data), 'trace.brand.v1');
    expect(parsed).toMatchObject({ ok: true });
    if (parsed.ok) {
      expect(topicOf(parsed.event.type as TopicalEventType)).toBe('trace.brand.v1');
      expect(keyOf(parsed.event)).toBe('Acme');
    }
  });

  it.each([
    ['PartApproved without an MPN', 'PartApproved', { ...valid.PartApproved, mpn: undefined }, 'data.mpn'],
    ['PartApproved with an empty vendor list', 'PartApproved', { ...valid.PartApproved, vendorIds: [] }, 'data.vendorIds'],
    ['PartApprovalWithdrawn without a reason', 'PartApprovalWithdrawn', { ...valid.PartApprovalWithdrawn, reason: undefined }, 'data.reason'],
    ['DeviationApproved ending before it starts', 'DeviationApproved', { ...valid.DeviationApproved, validUntil: '2026-11-19T00:00:00Z' }, 'data.validUntil must not be before validFrom'],
    ['DeviationApproved with a time without an offset', 'DeviationApproved', { ...valid.DeviationApproved, validFrom: '2026-11-20T00:00:00' }, 'data.validFrom'],
    ['DeviationApproved with a zero quantity', 'DeviationApproved', { ...valid.DeviationApproved, maxQuantity: 0 }, 'data.maxQuantity'],
    ['DeviationApproved without its approver', 'DeviationApproved', { ...valid.DeviationApproved, approvedBy: undefined }, 'data.approvedBy'],
    ['BomReleased listing a part twice', 'BomReleased', { ...valid.BomReleased, lines: [valid.BomReleased.lines[0], valid.BomReleased.lines[0]] }, 'data.lines'],
    ['BomReleased with a negative quantity', 'BomReleased', { ...valid.BomReleased, lines: [{ internalPartNumber: 'X', quantity: -1 }] }, 'data.lines.0.quantity'],
    ['BomReleased without lines', 'BomReleased', { ...valid.BomReleased, lines: [] }, 'data.lines'],
  ])('refuses %s', (_name, type, data, message) => {
    const parsed = parseEvent(envelope(type, data), 'trace.brand.v1');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join('\n')).toContain(message);
  });

  it('refuses a brand event on another topic', () => {
    expect(parseEvent(envelope('PartApproved', valid.PartApproved), 'trace.production.v1')).toMatchObject({ ok: false, reason: 'WRONG_TOPIC' });
  });
});
