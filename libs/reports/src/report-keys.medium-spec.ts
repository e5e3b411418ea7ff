import { getConnectionToken } from '@nestjs/mongoose';
import { TestingModule } from '@nestjs/testing';
import type { Connection } from 'mongoose';
import { mediumModule } from '@trace/platform/testing';
import { ReportKeysModule } from './report-keys.module';
import { ReportKeysRepository } from './report-keys.repository';

describe('report keys in a real database', () => {
  let moduleRef: TestingModule;
  afterEach(() => moduleRef.close());

  it('makes a first key on first use, and a rotation retires it but keeps it published', async () => {
    moduleRef = await mediumModule([ReportKeysModule.register('a secret for the medium tier')]);
    const keys = moduleRef.get(ReportKeysRepository);
    expect(await keys.publicKeys()).toEqual([]);
    const first = await keys.signingKey();
    expect((await keys.signingKey()).keyId).toBe(first.keyId);

    const rotated = await keys.rotate();
    expect(rotated.keyId).not.toBe(first.keyId);
    expect((await keys.signingKey()).keyId).toBe(rotated.keyId);
    const published = await keys.publicKeys();
    expect(published.map((k) => k.keyId)).toEqual([first.keyId, rotated.keyId]);
    expect(published[0]!.retiredAt).toEqual(expect.any(String));
    expect(published[1]!.retiredAt).toBeUndefined();
  });

  it('cannot sign with an encrypted key without its secret', async () => {
    moduleRef = await mediumModule([ReportKeysModule.register('the right secret')]);
    await moduleRef.get(ReportKeysRepository).signingKey();
    // The same database read by an instance configured without the secret.
    const connection = moduleRef.get<Connection>(getConnectionToken());
    const dbName = connection.db!.databaseName;
    await moduleRef.close();
    moduleRef = await mediumModule([ReportKeysModule.register('')], dbName);
    await expect(moduleRef.get(ReportKeysRepository).signingKey()).rejects.toThrow(/encrypted and REPORT_KEY_SECRET is not set/);
  });
});
