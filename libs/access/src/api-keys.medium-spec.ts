import { TestingModule } from '@nestjs/testing';
import { mediumModule } from '@trace/platform/testing';
import { AccessModule } from './access.module';
import { ApiKeysRepository } from './api-keys.repository';

describe('API keys in a real database', () => {
  let moduleRef: TestingModule;
  let keys: ApiKeysRepository;
  beforeEach(async () => {
    moduleRef = await mediumModule([AccessModule]);
    keys = moduleRef.get(ApiKeysRepository);
  });
  afterEach(() => moduleRef.close());

  it('authenticates a new key as its role and scope, and never stores or lists the secret', async () => {
    const { key, info } = await keys.create('auditor', ['Acme', 'Initech'], 'audit desk');
    expect(await keys.authenticate(key)).toEqual({ keyId: info.id, role: 'auditor', scope: { kind: 'brands', brands: ['Acme', 'Initech'] }, label: 'audit desk' });
    const listed = JSON.stringify(await keys.list());
    expect(listed).toContain(info.id);
    expect(listed).not.toContain(key);
  });

  it('refuses a revoked key at once, and says whether there was such a key to revoke', async () => {
    const { key, info } = await keys.create('quality', '*');
    const other = await keys.create('quality', '*');
    expect(await keys.revoke(info.id)).toBe(true);
    expect(await keys.authenticate(key)).toBeNull();
    expect(await keys.authenticate(other.key)).not.toBeNull();
    expect(await keys.revoke(key)).toBe(true); // by the whole key, already revoked: still a success
    expect(await keys.revoke('k_doesnotexist')).toBe(false);
    expect((await keys.list()).find((k) => k.id === info.id)?.revokedAt).toEqual(expect.any(String));
  });

  it('refuses a key whose secret was altered', async () => {
    const { key } = await keys.create('quality', '*');
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    expect(await keys.authenticate(`${key.slice(0, -1)}${last}`)).toBeNull();
  });
});
