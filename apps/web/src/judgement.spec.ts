import type { Flag, PartJudgement } from './api-types';
import { groupFlags, judgementInWords } from './judgement';

const part = (extra: Partial<PartJudgement>): PartJudgement => ({ verdict: 'APPROVED', vendorId: 'V', internalPartNumber: 'IPN-1', manufacturer: 'M', mpn: 'P', vendorLotIds: [], ...extra });

describe("the brand's judgement in words", () => {
  it('says each verdict, the worst part of a merged lot deciding', () => {
    expect(judgementInWords(undefined)).toBe('');
    expect(judgementInWords({ verdict: 'APPROVED', parts: [part({ approvalId: 'AP-1' })] })).toBe('approved (AP-1)');
    expect(judgementInWords({ verdict: 'UNDER_DEVIATION', parts: [part({ verdict: 'UNDER_DEVIATION', deviationId: 'DEV-7', count: 12, maxQuantity: 500 })] })).toBe('under deviation DEV-7 (12 of 500 pieces)');
    expect(judgementInWords({ verdict: 'UNDER_DEVIATION', parts: [part({ verdict: 'UNDER_DEVIATION', deviationId: 'DEV-8', count: 3 })] })).toBe('under deviation DEV-8 (3 of no limit pieces)');
    expect(
      judgementInWords({ verdict: 'DEVIATION_EXCEEDED', parts: [part({ approvalId: 'AP-1' }), part({ verdict: 'DEVIATION_EXCEEDED', deviationId: 'DEV-7', count: 501, maxQuantity: 500 })] }),
    ).toBe('deviation DEV-7 exceeded (501 pieces against 500)');
    expect(judgementInWords({ verdict: 'NOT_ON_AVL', parts: [part({ verdict: 'NOT_ON_AVL' })] })).toBe("not on the brand's approved parts");
    expect(judgementInWords({ verdict: 'AVL_MISSING', parts: [part({ verdict: 'AVL_MISSING' })] })).toBe('no approved parts for this IPN yet');
    expect(judgementInWords({ verdict: 'NOT_JUDGED', parts: [], reason: 'no receipt says what lot X is' })).toBe('not judged: no receipt says what lot X is');
  });

  it('groups the flags by code, worst first, unknown codes last under their own name', () => {
    // A code the API may add later is a string this build has no name for: cast, as an answer from a newer API would be.
    const flag = (code: string, message: string): Flag => ({ code: code as Flag['code'], message, serials: [] });
    const groups = groupFlags([flag('AVL_MISSING', 'a1'), flag('NEW_CODE', 'n'), flag('VENDOR_NOT_APPROVED', 'v'), flag('AVL_MISSING', 'a2'), flag('DEVIATION_EXCEEDED', 'd'), flag('BOM_MISMATCH', 'b')]);
    expect(groups.map((g) => [g.code, g.title, g.flags.map((f) => f.message)])).toEqual([
      ['DEVIATION_EXCEEDED', "Beyond the brand's deviation", ['d']],
      ['BOM_MISMATCH', "Different from the brand's BOM", ['b']],
      ['VENDOR_NOT_APPROVED', 'Vendor not approved', ['v']],
      ['AVL_MISSING', 'No approved parts published by the brand', ['a1', 'a2']],
      ['NEW_CODE', 'NEW_CODE', ['n']],
    ]);
  });
});
