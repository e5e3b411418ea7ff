import type { Retraction } from '../facts/visibility';
import type { LotStatus } from '@trace/contracts';
import type { BrandScope } from '../genealogy.types';

export type PathStepKind = 'vendor' | 'vendorLot' | 'lot' | 'serial';
/** How a step was reached from the one before it: where the query started, or the edge followed. */
export type PathVia = 'root' | 'supplied' | 'received' | 'split' | 'merge' | 'installed' | 'assembled';
/** One node on the way from the material to a serial. */
export interface PathStep {
  kind: PathStepKind;
  id: string;
  via: PathVia;
}

/** Whether rows where the lot is only a candidate (a splice's grey zone) are given: with the others (default), only them, or not. */
export const CANDIDATE_FILTERS = ['include', 'exclude', 'only'] as const;
export type CandidateFilter = (typeof CANDIDATE_FILTERS)[number];

/** Conditions on the top-level serial of a where-used row. */
export interface WhereUsedFilter {
  brand?: string;
  productPartNumber?: string;
  shipped?: boolean;
  /** Rows where the lot is only a candidate: `include` (default, marked `candidate`), `exclude` (certain rows only) or `only`. */
  candidates?: CandidateFilter;
}

/** One serial that contains the material: where it is installed, and the top-level unit that finally holds it. */
export interface WhereUsedRow {
  /** The package lot installed: the material itself or one of its descendants (split, merged). */
  lotId: string;
  /** The serial the lot is installed in directly. */
  serial: string;
  /** The unit that finally contains `serial` (itself when it is not built into anything). */
  topSerial: string;
  /** Absent when the top-level unit was never started, or its brand is in conflict (`conflictingFields`). */
  brand?: string;
  productPartNumber?: string;
  /** The top-level unit's start fields whose claims disagree (CONFLICTING_FACTS): shown as conflicting, no side picked. */
  conflictingFields?: string[];
  shipped: boolean;
  shipments: { shipmentId: string; customer: string }[];
  /** From the material to the top-level serial. */
  path: PathStep[];
  /** True (only with history) when the lot was removed from the serial, or a unit on the path was taken out of its parent. */
  removed: boolean;
  /** Only with history: the lot is in the serial only by an installation since retracted (EventRetracted), and by which. */
  retracted?: boolean;
  retraction?: Retraction;
  /**
   * True when the serial may hold the lot or another package (a placement in a splice's grey zone, not settled):
   * `candidateLotIds` are every package it may have come from, this lot among them.
   */
  candidate?: true;
  candidateLotIds?: string[];
}

/** A package lot reached from the material, with the way it was reached. */
export interface ReachedLot {
  lotId: string;
  /** False when no event ever named this lot (a derived lot id nothing else mentions). */
  known: boolean;
  /** Latest status by occurredAt; released once received, split or merged; unknown for a lot only ever installed. */
  status: LotStatus | 'unknown';
  path: PathStep[];
}

/** Database round trips taken so far: grows with the depth of the graph and the size of the answer, not of the database. */
export interface TraversalStats {
  roundTrips: number;
}

/** A where-used answer: the lots reached from the material (read eagerly; few) and the rows (read lazily; many). */
export interface WhereUsed {
  lots: ReachedLot[];
  stats: TraversalStats;
  /**
   * Rows in a stable order (lot, then bucket, then serial), read in bounded batches: memory does not grow with the
   * answer. As built now by default; with `history`, also what was removed since (rows marked removed). Only the
   * forward edges of the scope the answer was opened with are read; `scope` must be that one. Reads ahead (default):
   * the next batch is read while the rows of this one are consumed; `readAhead: false` when only the first rows are wanted.
   */
  rows(filter: WhereUsedFilter, scope: BrandScope, options?: { history?: boolean; readAhead?: boolean }): AsyncGenerator<WhereUsedRow>;
  /**
   * The same rows as NDJSON (each whereUsedRowJson(row) + '\n', in the same order), written straight from the traversal
   * without row objects, in chunks of about `chunk` characters (default 64 K), read ahead: the whole answer as a stream.
   */
  lines(filter: WhereUsedFilter, scope: BrandScope, options?: { history?: boolean; chunk?: number }): AsyncGenerator<NdjsonChunk>;
  /**
   * The same rows, each with the position right after it; from `from` on (a position one of them gave) without
   * reading the buckets before it: a page far into the answer costs what the first one does. Throws
   * RowPositionNotFound when the position's bucket is no longer in the answer. Reads ahead only when asked (a page
   * stops early: a batch read ahead would be read for nothing). `wanted`: the rows a page takes (absent: all), so no
   * more serials are climbed than it needs; the rows and positions are the same either way.
   */
  rowsFrom(filter: WhereUsedFilter, scope: BrandScope, options: { history?: boolean; from?: RowPosition; readAhead?: boolean; wanted?: number }): AsyncGenerator<PositionedRow>;
}

/** Whole NDJSON lines of a where-used answer, and how many. */
export interface NdjsonChunk {
  text: string;
  rows: number;
}

/**
 * A place in the stable order of a where-used answer: the forward-edge bucket, the serial in it (serials of a bucket
 * come in order, so a serial added since does not shift it) and how many of that serial's rows come before it.
 */
export interface RowPosition {
  bucket: string;
  serial: string;
  skip: number;
}

/** A where-used row and the position right after it. */
export interface PositionedRow {
  row: WhereUsedRow;
  next: RowPosition;
}

/** The bucket a position names is not in the answer any more: the caller starts again from the first page. */
export class RowPositionNotFound extends Error {
  constructor(readonly position: RowPosition) {
    super(`the where-used answer no longer has the bucket ${position.bucket} this position is in`);
    this.name = 'RowPositionNotFound';
  }
}

/** A vendor lot a vendor supplied, and the packages received of it. */
export interface SuppliedVendorLot {
  vendorLotId: string;
  mpn: string;
  vendorLotCode: string;
  lotIds: string[];
}

/** Where-used of everything a vendor supplied. */
export interface VendorWhereUsed extends WhereUsed {
  vendorLots: SuppliedVendorLot[];
}

/** Batch sizes of the lazy part: how many lot_uses buckets per read, how many serials climbed together. */
export interface ForwardBatching {
  buckets: number;
  serials: number;
}
