// The contract's test data: realistic event streams for specs, e2e tests, the demo and the bench. Never imported by production code.
export * from './gateway-scenario';
export * from './test-events';
export * from './gateway-authority';
