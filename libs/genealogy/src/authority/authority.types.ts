import type { Provenance } from '../facts/provenance';

// What the genealogy answer says about brand authority: per installed material, how it stands against what its
// unit's brand approved at the moment of installation; per unit, how its direct installations stand against the BOM
// revision in force when it was started.

/** How an installed part stands against its brand's approvals, worst last. */
export const VERDICTS = ['APPROVED', 'UNDER_DEVIATION', 'NOT_JUDGED', 'AVL_MISSING', 'DEVIATION_EXCEEDED', 'NOT_ON_AVL'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One manufacturer part behind an installed lot (a merged lot can hold several), judged. */
export interface PartJudgement {
  verdict: Exclude<Verdict, 'NOT_JUDGED'>;
  vendorId: string;
  internalPartNumber: string;
  manufacturer: string;
  mpn: string;
  /** The vendor lots of this part the installed lot descends from. */
  vendorLotIds: string[];
  /** APPROVED: the approval in force at the installation. */
  approvalId?: string;
  /** UNDER_DEVIATION, DEVIATION_EXCEEDED: the deviation the pieces were counted against. */
  deviationId?: string;
  /** Pieces installed under the deviation over all of the brand's units up to and including this installation. */
  count?: number;
  maxQuantity?: number;
}

/** The judgement of one installed material: the worst of its parts, or why it could not be judged. */
export interface MaterialJudgement {
  verdict: Verdict;
  parts: PartJudgement[];
  /** NOT_JUDGED: why (the unit was never started, no receipt says what the lot is). */
  reason?: string;
}

export type BomDifference =
  | { kind: 'LINE_SHORT'; internalPartNumber: string; required: number; installed: number }
  | { kind: 'NOT_ON_BOM'; internalPartNumber: string; lotIds: string[] }
  | { kind: 'REFDES_NOT_ON_LINE'; internalPartNumber: string; refDes: string[]; lotIds: string[] };

export type AuthorityFlagCode = 'NOT_ON_AVL' | 'UNDER_DEVIATION' | 'DEVIATION_EXCEEDED' | 'AVL_MISSING' | 'BOM_MISMATCH';

/** The fields an authority flag adds to a flag: the serial, the material, the rule and the ids behind it. */
export interface AuthorityFlagFields {
  /** The unit judged. */
  serial?: string;
  brand?: string;
  /** Which rule: the brand's approved parts and deviations (`AVL`), or the BOM revision (`BOM`). */
  rule?: 'AVL' | 'BOM';
  /** The installing event (the material), for AVL flags. */
  installation?: { lotId: string; quantity: number; refDes: string[]; provenance: Provenance };
  internalPartNumber?: string;
  manufacturer?: string;
  mpn?: string;
  vendorLotIds?: string[];
  deviationId?: string;
  count?: number;
  maxQuantity?: number;
  productPartNumber?: string;
  revision?: string;
  difference?: BomDifference;
}
