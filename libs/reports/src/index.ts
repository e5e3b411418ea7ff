export * from './canonical-json';
export * from './genealogy-report';
export * from './report-csv';
export * from './report-keys.module';
export * from './report-keys.repository';
export * from './report-pdf';
export * from './report-schema';
export * from './report-signature';
