import type { Flag, MaterialJudgement, PartJudgement } from './api-types';

/** The brand's judgement of one installed material, in words (the worst of its parts decides). */
export function judgementInWords(j: MaterialJudgement | undefined): string {
  if (!j) return '';
  if (j.verdict === 'NOT_JUDGED') return `not judged${j.reason ? `: ${j.reason}` : ''}`;
  const worst = j.parts.find((p) => p.verdict === j.verdict) ?? j.parts[0];
  return worst ? partInWords(worst) : VERDICT_WORDS[j.verdict];
}

const VERDICT_WORDS: Record<PartJudgement['verdict'], string> = {
  APPROVED: 'approved',
  UNDER_DEVIATION: 'under deviation',
  DEVIATION_EXCEEDED: 'deviation exceeded',
  NOT_ON_AVL: "not on the brand's approved parts",
  AVL_MISSING: 'no approved parts for this IPN yet',
};

function partInWords(p: PartJudgement): string {
  const limit = p.maxQuantity === undefined ? 'no limit' : String(p.maxQuantity);
  switch (p.verdict) {
    case 'APPROVED':
      return p.approvalId ? `approved (${p.approvalId})` : 'approved';
    case 'UNDER_DEVIATION':
      return `under deviation ${p.deviationId ?? '?'} (${p.count ?? '?'} of ${limit} pieces)`;
    case 'DEVIATION_EXCEEDED':
      return `deviation ${p.deviationId ?? '?'} exceeded (${p.count ?? '?'} pieces against ${limit})`;
    default:
      return VERDICT_WORDS[p.verdict];
  }
}

/** The flag codes in the order a quality engineer reads them, each with its heading in words. */
const FLAG_TITLES: [code: string, title: string][] = [
  ['CONFLICTING_FACTS', 'Conflicting facts (no side picked)'],
  ['DEVIATION_EXCEEDED', "Beyond the brand's deviation"],
  ['NOT_ON_AVL', "Not on the brand's approved parts"],
  ['BOM_MISMATCH', "Different from the brand's BOM"],
  ['VENDOR_NOT_APPROVED', 'Vendor not approved'],
  ['LOT_NOT_RELEASED', 'Lot not released'],
  ['VENDOR_STATUS_UNKNOWN', 'Vendor status unknown'],
  ['UNDER_DEVIATION', "Under the brand's deviation"],
  ['AVL_MISSING', 'No approved parts published by the brand'],
];

export interface FlagGroup {
  code: string;
  title: string;
  flags: Flag[];
}

/** Flags grouped by code, worst first; an unknown code keeps its own name, after the known ones. */
export function groupFlags(flags: readonly Flag[]): FlagGroup[] {
  const byCode = new Map<string, Flag[]>();
  for (const f of flags) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
  const known = FLAG_TITLES.filter(([code]) => byCode.has(code)).map(([code, title]) => ({ code, title, flags: byCode.get(code)! }));
  const other = [...byCode.keys()].filter((code) => !FLAG_TITLES.some(([c]) => c === code)).map((code) => ({ code, title: code, flags: byCode.get(code)! }));
  return [...known, ...other];
}
