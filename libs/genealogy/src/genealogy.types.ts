import type { LotStatus, VendorStatus } from '@trace/contracts';
import type { Removal } from './facts/as-built';
import type { Retraction } from './facts/visibility';
import type { AuthorityFlagCode, AuthorityFlagFields, MaterialJudgement } from './authority/authority.types';
import type { Provenance } from './facts/provenance';
import type { ClaimedValue } from './facts/claims';

/** Which brands a caller may see: every brand of the site, or a list. Part of every query that reads serials. */
export type BrandScope = { kind: 'site' } | { kind: 'brands'; brands: readonly string[] };
export const SITE_WIDE: BrandScope = { kind: 'site' };
export const inScope = (scope: BrandScope, brand: string | undefined): boolean =>
  scope.kind === 'site' || (brand !== undefined && scope.brands.includes(brand));

export interface Shipment {
  shipmentId: string;
  customer: string;
  provenance: Provenance;
}

/** The unit was scrapped or abandoned (UnitDisqualified): why, and by which event. */
export interface Disqualification {
  reason: string;
  provenance: Provenance;
}

/** A package lot installed into a unit. */
export interface Installation {
  lotId: string;
  quantity: number;
  refDes: string[];
  lotStatus: LotStatus | 'unknown';
  /** The vendor lots this package lot descends from (several after a merge). */
  vendorLotIds: string[];
  provenance: Provenance;
  /** Only in a history answer: the lot was taken out since (rework), and by which event. */
  removed?: boolean;
  removal?: Removal;
  /** Only in a history answer: the installation was retracted (EventRetracted), with the reason and the retraction's provenance. */
  retracted?: boolean;
  retraction?: Retraction;
  /** How the material stands against what the unit's brand approved when it was installed (brand authority). */
  judgement?: MaterialJudgement;
  /** Where and when each reference designator was placed, when the line said (IPC-CFX). */
  placements?: { refDes: string; location?: string; placedAt?: string }[];
  /** The BOM part number this material was installed in place of (an alternate part); judged against that BOM line. */
  bomPartNumber?: string;
  /**
   * The material came from one of several packages (a splice's grey zone): `lotIds` with the `reason`, and
   * `inWords` ("REEL-A or REEL-B"). Once a splice point settled it, `settledTo` (then `lotId`) and `settledBy`.
   * While unsettled, `vendorLotIds` are those behind every candidate.
   */
  candidates?: { lotIds: string[]; reason: string; inWords: string; settledTo?: string; settledBy?: Provenance };
}

export interface SubAssembly {
  refDes?: string;
  provenance: Provenance;
  unit: UnitNode;
  /** Only in a history answer: the sub-assembly was taken out since (rework), and by which event. */
  removed?: boolean;
  removal?: Removal;
  /** Only in a history answer: the assembly was retracted (EventRetracted), with the reason and the retraction's provenance. */
  retracted?: boolean;
  retraction?: Retraction;
}

/** A serialized unit with what was built into it. */
export interface UnitNode {
  serial: string;
  started: boolean;
  brand?: string;
  productPartNumber?: string;
  workOrder?: string;
  shipped: boolean;
  shipments: Shipment[];
  provenance?: Provenance;
  materials: Installation[];
  subAssemblies: SubAssembly[];
  /**
   * A sub-assembly outside the caller's brands (another brand's, or of no known brand for a scoped caller): only
   * its serial and product are given; shipments, materials and sub-assemblies are withheld (empty), not absent.
   */
  withheld?: boolean;
  /** This unit is told in full elsewhere in the same answer (under its first parent): here only serial and product. */
  shownElsewhere?: boolean;
  /** Start fields whose UnitStarted claims disagree: absent above, flagged CONFLICTING_FACTS with every value. */
  conflictingFields?: string[];
  /** Only for a unit that was disqualified (scrapped, abandoned): every UnitDisqualified, oldest first. */
  disqualifications?: Disqualification[];
}

export interface LotSource {
  kind: 'split' | 'merge';
  lotIds: string[];
  quantity?: number;
  provenance: Provenance;
}

export interface LotStatusChange {
  status: LotStatus;
  reason: string;
  provenance: Provenance;
}

/** A package lot (reel, tray, bag) with how it came to be. */
export interface LotNode {
  lotId: string;
  known: boolean;
  status: LotStatus | 'unknown';
  statusHistory: LotStatusChange[];
  origin: 'received' | 'split' | 'merge' | 'unknown';
  receipt?: {
    receiptId: string;
    vendorLotId: string;
    quantity: number;
    uom: string;
    receivedAt: string;
    provenance: Provenance;
  };
  sources: LotSource[];
  vendorLotIds: string[];
  /** Receipt fields whose MaterialReceived claims disagree: `receipt` is then absent, flagged CONFLICTING_FACTS. */
  conflictingFields?: string[];
  /** Splices this package is part of (leading or trailing), with their grey zone, when any. */
  splices?: { leadingLotId: string; trailingLotId: string; greyZone?: number; location?: string; provenance: Provenance }[];
}

export interface VendorLotNode {
  vendorLotId: string;
  vendorId: string;
  mpn: string;
  vendorLotCode: string;
  manufacturer?: string;
  internalPartNumber?: string;
  dateCode?: string;
  countryOfOrigin?: string;
  receipts: { receiptId: string; receivedAt: string; lotIds: string[]; provenance: Provenance }[];
}

export interface VendorStatusChange {
  status: VendorStatus;
  reason: string;
  provenance: Provenance;
}

export interface VendorNode {
  vendorId: string;
  registered: boolean;
  name?: string;
  country?: string;
  status: VendorStatus | 'unknown';
  statusHistory: VendorStatusChange[];
  provenance?: Provenance;
}

export type FlagCode = 'VENDOR_NOT_APPROVED' | 'VENDOR_STATUS_UNKNOWN' | 'LOT_NOT_RELEASED' | 'CONFLICTING_FACTS' | AuthorityFlagCode;
/** Something an auditor must see: material from a vendor off the approved list, a blocked lot. */
export interface Flag extends AuthorityFlagFields {
  code: FlagCode;
  message: string;
  vendorId?: string;
  lotId?: string;
  /** Serials in this genealogy where the flagged material is installed (CONFLICTING_FACTS of a serial: that serial). */
  serials: string[];
  /** CONFLICTING_FACTS: the field of `serial` (brand, productPartNumber, workOrder, parentSerial) or of `lotId`'s receipt. */
  field?: string;
  /** CONFLICTING_FACTS: every value claimed, each with the provenance of every event that claimed it. */
  values?: ClaimedValue[];
}

export type GapCode =
  | 'SERIAL_NEVER_STARTED'
  | 'CHILD_SERIAL_NEVER_STARTED'
  | 'LOT_NEVER_RECEIVED'
  | 'VENDOR_LOT_NEVER_RECEIVED'
  | 'VENDOR_NEVER_REGISTERED'
  | 'ASSEMBLY_CYCLE'
  | 'LOT_LINEAGE_CYCLE'
  /** One sub-assembly built into two (or more) parents at once in this genealogy; `referencedBy` names them. */
  | 'UNIT_IN_TWO_PARENTS';
/** A hole in the graph: something referenced that no event has established (yet). */
export interface Gap {
  code: GapCode;
  message: string;
  id: string;
  referencedBy: string[];
}

/** The backward genealogy of a serial: everything built into it, down to vendors. */
export interface Genealogy {
  serial: string;
  unit: UnitNode;
  lots: LotNode[];
  vendorLots: VendorLotNode[];
  vendors: VendorNode[];
  summary: {
    units: number;
    installations: number;
    vendors: { vendorId: string; name?: string; status: VendorStatus | 'unknown' }[];
    vendorLots: { vendorLotId: string; vendorId: string; mpn: string; vendorLotCode: string }[];
    flags: Flag[];
  };
  gaps: Gap[];
  /** Database round trips the traversal took: grows with depth, not with the number of nodes. */
  roundTrips: number;
}
