// The graph without a database, and the storage handles the bench needs: for specs, bench and scripts only.
export * from './fake-graph';
export { authorityReaderOf } from '../authority/fake-authority';
export { GenealogyRepository } from '../genealogy.repository';
export { COLLECTIONS, type GraphCollection } from '../schemas/graph.documents';
export * from '../schemas/graph.schemas';
