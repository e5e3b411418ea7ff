// The genealogy graph: plain domain types and the services over it. The stored documents and schemas stay inside;
// fakes, builders and the bench's storage handles are in @trace/genealogy/testing.
export * from './genealogy.types';
export { GenealogyModule } from './genealogy.module';
export { BackwardTracer } from './backward/backward-tracer';
export type { GenealogyOptions } from './backward/assemble-genealogy';
export { ForwardTracer } from './forward/where-used';
export { whereUsedRowJson } from './forward/row-line';
export { CANDIDATE_FILTERS, type CandidateFilter } from './forward/where-used.types';
export { lotsInWords } from './facts/candidates';
export type {
  ForwardBatching,
  PathStep,
  PathStepKind,
  NdjsonChunk,
  PathVia,
  PositionedRow,
  ReachedLot,
  RowPosition,
  SuppliedVendorLot,
  TraversalStats,
  VendorWhereUsed,
  WhereUsed,
  WhereUsedFilter,
  WhereUsedRow,
} from './forward/where-used.types';
export { RowPositionNotFound } from './forward/where-used.types';
export { CommonalityAnalyzer, type CommonFactor, type CommonFactorKind, type Commonality, type ComparisonSet } from './commonality';
export { IdLookup, type IdMatch, type IdMatchKind } from './id-lookup';
export { LotLineageTracer, type LineageEdge, type LineageLot, type LineageRelation, type LineageVendorLot, type LotLineage } from './lineage/lot-lineage';
export { RecordReader, type RecordUnit, type ShipmentRecord, type VendorLotRecord, type WorkOrderRecord } from './lookup/records';
export { GraphWriteRepository } from './write/graph-write.repository';
export { graphWritesFor, mergeGraphWrites, type GraphWrite, type PositionedEvent } from './write/graph-writes';
export { GraphDigester, GRAPH_COLLECTIONS, digestOf, formatDigest, type CollectionDigest, type GraphDigest } from './digest/graph-digest';
export { canonicalDocument } from './digest/canonical-document';
export { EventRecorder, type RecordedEvents, type RefusedEvent } from './write/event-recorder';
export { TransientFailure } from './write/transient-failure';
export { classifyDatabaseError, type DatabaseFailure } from './write/database-errors';
export { compare } from './facts/facts';
export type { Provenance } from './facts/provenance';
export type { ClaimedValue, FieldConflict } from './facts/claims';
export type { Removal } from './facts/as-built';
export { isVisible, type Retraction, type RetractionReader, type Visibility } from './facts/visibility';
export * from './authority';
