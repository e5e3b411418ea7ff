// The graph without a database, and the storage handles the bench needs: for specs, test, bench and scripts only.
export * from './fake-graph';
export { authorityReaderOf } from '../authority/fake-authority';
export { authorityReaderFrom } from '../authority/authority-judge';
export { AuthorityRepository } from '../authority/authority.repository';
export { assembleGenealogy } from '../backward/assemble-genealogy';
export { GraphFetcher, type FetchedGraph } from '../backward/graph-fetcher';
export type { ForwardReader, ProductUnitsReader } from '../forward/forward-reader';
export { GenealogyRepository, PARENT_PROJECTION } from '../storage/genealogy.repository';
export { COLLECTIONS, type GraphCollection } from '../storage/graph.documents';
export { brandedUseNeeds, brandedUseWrites, conflictMarkWrites, type BrandedUseNeed, type DerivedFrom } from '../write/graph-writes';
export { BUCKET_COUNT, bucketId, bucketOf } from '../storage/lot-uses';
export { factKey, provenanceFrom, provenanceOf, type Provenance } from '../facts/provenance';
export { DERIVED_FROM_FIELDS, applyGraphWrites, prepareGraphWrites, operationOf, type GraphStore, type PreparedWrites } from '../write/apply-graph-writes';
export * from '../storage/graph.schemas';
export { traceLotLineage } from '../lineage/lot-lineage';
export { findIds } from '../id-lookup';
export { readShipment, readVendorLot, readWorkOrder, type RecordSources } from '../lookup/records';
export { authorityRepositoryOn, genealogyRepositoryOn } from './repository-on';
