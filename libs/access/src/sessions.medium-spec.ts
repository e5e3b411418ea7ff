import { TestingModule } from '@nestjs/testing';
import { getModelToken } from '@nestjs/mongoose';
import { mediumModule } from '@trace/platform/testing';
import { Model } from 'mongoose';
import { AccessModule } from './access.module';
import { ApiKeysRepository } from './api-keys.repository';
import { SESSION_MODEL, SessionsRepository } from './sessions.repository';

describe('browser sessions in a real database', () => {
  let moduleRef: TestingModule;
  let sessions: SessionsRepository;
  const minute = 60_000;
  beforeEach(async () => {
    moduleRef = await mediumModule([AccessModule]);
    sessions = moduleRef.get(SessionsRepository);
    sessions.configure({ idleMs: 30 * minute, absoluteMs: 8 * 60 * minute });
  });
  afterEach(() => moduleRef.close());

  it('stores the key id and the hash of the token, never the token or the key', async () => {
    const keys = moduleRef.get(ApiKeysRepository);
    const { key, info } = await keys.create('quality', '*');
    const { token, session } = await sessions.create(info.id);
    expect(session.keyId).toBe(info.id);
    const stored = await moduleRef.get<Model<unknown>>(getModelToken(SESSION_MODEL)).find({ keyId: info.id }).lean().exec();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(await keys.principalById(info.id)).toMatchObject({ keyId: info.id, role: 'quality' });
    await keys.revoke(info.id);
    expect(await keys.principalById(info.id)).toBeNull(); // what the guard asks on every request of the session
  });

  it('ends a session after the idle time without a request, and a busy one at its absolute expiry', async () => {
    const t0 = new Date('2026-12-01T08:00:00Z');
    const at = (minutes: number) => new Date(t0.getTime() + minutes * minute);
    const idle = await sessions.create('k1', t0);
    expect(await sessions.find(idle.token, at(29))).not.toBeNull();
    expect(await sessions.find(idle.token, at(29 + 31))).toBeNull(); // 31 minutes since the last request

    const busy = await sessions.create('k2', t0);
    for (let m = 20; m < 8 * 60; m += 20) expect(await sessions.find(busy.token, at(m))).not.toBeNull();
    expect(await sessions.find(busy.token, at(8 * 60))).toBeNull();
  });

  it('ends a session at sign-out, and knows no made-up token', async () => {
    const { token } = await sessions.create('k3');
    await sessions.delete(token);
    expect(await sessions.find(token)).toBeNull();
    expect(await sessions.find('x'.repeat(43))).toBeNull();
    expect(await sessions.find('not a token')).toBeNull();
  });
});
