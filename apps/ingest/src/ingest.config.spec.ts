import { loadEnv } from '@trace/platform';
import { IngestEnv } from './ingest.config';
import { consumerSettings } from './kafka-batch.transport';

const MiB = 1024 * 1024;

const fetchOf = (env: NodeJS.ProcessEnv) => {
  const e = loadEnv(IngestEnv, env);
  return consumerSettings({ maxBytes: e.INGEST_FETCH_MAX_BYTES, maxBytesPerPartition: e.INGEST_PARTITION_FETCH_MAX_BYTES });
};

describe('the ingest consumer fetch bounds', () => {
  it('reads a backlog in fetches of up to 48 MiB, 16 MiB a partition, unless told otherwise', () => {
    expect(fetchOf({})).toMatchObject({ maxBytes: 48 * MiB, maxBytesPerPartition: 16 * MiB });
  });

  it('reads with the bounds the environment gives', () => {
    expect(fetchOf({ INGEST_FETCH_MAX_BYTES: String(20 * MiB), INGEST_PARTITION_FETCH_MAX_BYTES: String(2 * MiB) })).toMatchObject({
      maxBytes: 20 * MiB,
      maxBytesPerPartition: 2 * MiB,
    });
  });

  it('refuses to start with a fetch bound below a megabyte, naming the variable', () => {
    expect(() => fetchOf({ INGEST_FETCH_MAX_BYTES: '1000' })).toThrow(/INGEST_FETCH_MAX_BYTES/);
  });
});
