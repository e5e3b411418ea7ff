// The graph without a database, and the storage handles the bench needs: for specs, bench and scripts only.
export * from './fake-graph';
export { authorityReaderOf } from '../authority/fake-authority';
export { GenealogyRepository } from '../storage/genealogy.repository';
export { COLLECTIONS, type GraphCollection } from '../storage/graph.documents';
export * from '../storage/graph.schemas';
