import { classifyDatabaseError } from './database-errors';

const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });

describe('classifyDatabaseError', () => {
  it.each([
    ['a server that cannot be selected', named('MongoServerSelectionError')],
    ['a dropped connection', named('MongoNetworkError')],
    ['a cleared pool', named('MongoPoolClearedError')],
    ['a primary stepping down', named('MongoServerError', { code: 189 })],
    ['a write to a node that is no longer primary', named('MongoBulkWriteError', { code: 10107, writeErrors: [{ code: 10107 }] })],
    ['a write concern timeout', named('MongoWriteConcernError', { writeConcernError: { code: 64 } })],
    ['two upserts of one new _id', named('MongoBulkWriteError', { code: 11000, writeErrors: [{ code: 11000 }] })],
    ['an error the server labels retryable', named('MongoServerError', { code: 99999, errorLabels: ['RetryableWriteError'] })],
    // As the driver raised it when the stand-in was stopped under a connected client (seen in database-outage.e2e-spec.ts).
    ['a bulk write refused a connection', named('MongoBulkWriteError', { message: 'connect ECONNREFUSED 127.0.0.1:35861', errorLabels: ['SystemOverloadedError', 'RetryableError'], writeErrors: [] })],
    ['a bulk write whose connection failed, unlabelled', named('MongoBulkWriteError', { message: 'connect ECONNREFUSED', beforeHandshake: false, connectionGeneration: 0, writeErrors: [] })],
    // 14 s later, once server selection gave up: the selection error's fields, no label.
    ['a bulk write that found no server', named('MongoBulkWriteError', { message: 'connect ECONNREFUSED 127.0.0.1:43227', reason: { type: 'Single', servers: new Map() }, writeErrors: [] })],
  ])('retries %s', (_name, error) => {
    expect(classifyDatabaseError(error)).toBe('transient');
  });

  it.each([
    ['a field name with a dot', named('MongoServerError', { code: 57 })],
    ['a bulk whose every failure is a bad value', named('MongoBulkWriteError', { code: 2, writeErrors: [{ code: 2 }, { code: 52 }] })],
    ['a document over 16 MB on the server', named('MongoServerError', { code: 10334 })],
    ['a document over 16 MB in the driver', named('MongoInvalidArgumentError', { message: 'Document is larger than the maximum size 16777216' })],
  ])('sets aside the event for %s', (_name, error) => {
    expect(classifyDatabaseError(error)).toBe('refused');
  });

  it.each([
    ['a bug of ours', new TypeError("Cannot read properties of undefined (reading 'set')")],
    ['a server error it does not know', named('MongoServerError', { code: 13 })],
    ['a bulk mixing a known refusal with an unknown code', named('MongoBulkWriteError', { code: 2, writeErrors: [{ code: 2 }, { code: 13 }] })],
    ['a driver misuse', named('MongoInvalidArgumentError', { message: 'Update document requires atomic operators' })],
    ['a bulk write wrapping a driver error of another kind', named('MongoBulkWriteError', { message: 'Update document requires atomic operators', writeErrors: [] })],
    ['a thrown string', 'boom'],
    ['nothing', undefined],
  ])('calls %s unexpected, not transient', (_name, error) => {
    expect(classifyDatabaseError(error)).toBe('unexpected');
  });
});
