import { TraceEvent, makeEvent } from '../index';

/**
 * The demo brand's authority over the gateway scenario: Acme approves its microcontroller and a Kemet capacitor (not
 * the Murata one that was built in), grants a deviation for the resistors on its power board, and one for a single
 * Murata capacitor on its gateways. The gateway's genealogy then shows approved, under deviation (both), not on the
 * AVL (the power board's Murata capacitors) and parts Acme never spoke of; the second gateway, whose Murata capacitor was
 * placed after the gateway's, exceeds `D-CAP`.
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
    makeEvent(
      'DeviationApproved',
      {
        brand: 'Acme', deviationId: 'D-CAP', internalPartNumber: 'CAP-100N-0603', manufacturer: 'Murata', mpn: 'GRM188R71C104KA01D', productPartNumbers: ['GW-100'], maxQuantity: 1,
        validFrom: '2026-11-01T00:00:00.000Z', validUntil: '2026-12-31T00:00:00.000Z', approvedBy: 'quality@acme.example', reason: 'Kemet shortage: one gateway',
      },
      plm('plm-da-cap'),
    ),
  ];
}
