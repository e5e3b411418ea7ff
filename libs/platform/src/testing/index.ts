export * from './medium-module';
