export * from './kafka-client';
export * from './kafka-helpers';
export * from './kafka.module';
