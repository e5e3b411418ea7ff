import { ComplianceMaterial, verdictOf } from './shipment-compliance.use-case';

const material = (verdict?: string): ComplianceMaterial => ({
  serial: 'U1', lotId: `L-${verdict ?? 'none'}`, quantity: 1, refDes: [],
  ...(verdict ? { judgement: { verdict: verdict as never, parts: [] } } : {}),
});

describe('a unit verdict', () => {
  it('is conforming when every material is approved and the BOM is met', () => {
    expect(verdictOf([material('APPROVED'), material('APPROVED')], false)).toBe('CONFORMING');
  });
  it('is conforming under deviations when some material is covered by one and nothing is worse', () => {
    expect(verdictOf([material('APPROVED'), material('UNDER_DEVIATION')], false)).toBe('CONFORMING_UNDER_DEVIATIONS');
  });
  it.each(['NOT_ON_AVL', 'AVL_MISSING', 'DEVIATION_EXCEEDED', 'NOT_JUDGED', undefined])('is not conforming with a material %s', (v) => {
    expect(verdictOf([material('UNDER_DEVIATION'), material(v)], false)).toBe('NOT_CONFORMING');
  });
  it('is not conforming with a BOM difference, however approved its materials', () => {
    expect(verdictOf([material('APPROVED')], true)).toBe('NOT_CONFORMING');
  });
});
