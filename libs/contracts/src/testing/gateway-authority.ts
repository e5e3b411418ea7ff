import { TraceEvent, makeEvent } from '../index';

/**
 * The demo brand's authority over the gateway scenario: Acme approves its microcontroller and a Kemet capacitor (not
 * the Murata one that was built in), and grants a deviation for the resistors on its power board. The gateway's
 * genealogy then shows every kind of judgement: approved, under deviation, not on the AVL, and parts Acme never spoke of.
 */
export function gatewayAuthority(ns = ''): TraceEvent[] {
  const plm = (eventId: string) => ({ eventId: `${ns}${eventId}`, occurredAt: '2026-11-01T00:00:00.000Z', source: 'acme/plm' });
  return [
    makeEvent('PartApproved', { brand: 'Acme', approvalId: 'A-MCU', internalPartNumber: 'MCU-2355', manufacturer: 'Texas Instruments', mpn: 'MSP430FR2355TPT' }, plm('plm-pa-mcu')),
    makeEvent('PartApproved', { brand: 'Acme', approvalId: 'A-CAP-K', internalPartNumber: 'CAP-100N-0603', manufacturer: 'Kemet', mpn: 'C0603C104K' }, plm('plm-pa-cap')),
    makeEvent(
      'DeviationApproved',
      {
        brand: 'Acme', deviationId: 'D-RES', internalPartNumber: 'RES-10K-0603', manufacturer: 'Yageo', mpn: 'RC0603FR-0710KL', productPartNumbers: ['PWR-10'], maxQuantity: 100,
        validFrom: '2026-11-01T00:00:00.000Z', validUntil: '2026-12-31T00:00:00.000Z', approvedBy: 'quality@acme.example', reason: 'until the AVL lists it',
      },
      plm('plm-da-res'),
    ),
  ];
}
