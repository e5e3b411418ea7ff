// The genealogy graph: plain domain types and the services over it. The stored documents and schemas stay inside;
// fakes, builders and the bench's storage handles are in @trace/genealogy/testing.
export * from './genealogy.types';
export { GenealogyModule } from './genealogy.module';
export { BackwardTracer } from './backward/backward-tracer';
export type { GenealogyOptions } from './backward/assemble-genealogy';
export { ForwardTracer } from './forward/where-used';
export type {
  ForwardBatching,
  PathStep,
  PathStepKind,
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
export { GraphWriteRepository } from './write/graph-write.repository';
export { graphWritesFor, mergeGraphWrites, type GraphWrite, type PositionedEvent } from './write/graph-writes';
export { compare } from './facts/facts';
export type { Provenance } from './facts/provenance';
export type { Removal } from './facts/as-built';
export * from './authority';
