export * from './backward-trace';
export * from './genealogy.module';
export * from './genealogy.types';
export * from './graph-write.repository';
export * from './graph-writes';
export * from './provenance';
