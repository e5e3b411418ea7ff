import { getConnectionToken } from '@nestjs/mongoose';
import { TestingModule } from '@nestjs/testing';
import { mediumModule } from '@trace/platform/testing';
import type { Connection } from 'mongoose';
import { GenealogyModule } from '../genealogy.module';
import { GraphDigester } from './graph-digest';

describe('the graph digest of a real database', () => {
  const modules: TestingModule[] = [];
  const open = async () => {
    const moduleRef = await mediumModule([GenealogyModule]);
    modules.push(moduleRef);
    const digester = moduleRef.get(GraphDigester);
    digester.bounds = { range: 3, batch: 2 }; // seven documents cross two ranges and several batches
    return { digester, db: moduleRef.get<Connection>(getConnectionToken()).db! };
  };
  afterEach(async () => {
    await Promise.all(modules.splice(0).map((m) => m.close()));
  });

  const units = (order: number[]) =>
    order.map((i) => (i % 2 === 0 ? { _id: `SN-${i}`, started: { brand: 'Acme', at: new Date(Date.UTC(2026, 0, i + 1)) }, installs: { e1: { lotId: `L${i}` } } } : { installs: { e1: { lotId: `L${i}` } }, started: { at: new Date(Date.UTC(2026, 0, i + 1)), brand: 'Acme' }, _id: `SN-${i}` }));

  it('is the same for the same documents written in another order with their fields in another order, and reads every one across ranges', async () => {
    const [a, b] = [await open(), await open()];
    await a.db.collection('units').insertMany(units([0, 1, 2, 3, 4, 5, 6]) as never[]);
    for (const doc of units([6, 3, 0, 5, 1, 4, 2])) await b.db.collection('units').insertOne(reversed(doc) as never);
    let seen = 0;
    const first = await a.digester.digest((n) => (seen += n));
    const second = await b.digester.digest();
    expect(first.collections.find((c) => c.collection === 'units')).toMatchObject({ documents: 7 });
    expect(seen).toBe(7);
    expect(second).toEqual(first);
  });

  it('changes when one field of one document does, and names the collection', async () => {
    const [a, b] = [await open(), await open()];
    await a.db.collection('units').insertMany(units([0, 1, 2, 3, 4, 5, 6]) as never[]);
    await b.db.collection('units').insertMany(units([0, 1, 2, 3, 4, 5, 6]).map((u) => (u._id === 'SN-5' ? { ...u, started: { ...u.started, brand: 'Initech' } } : u)) as never[]);
    const [first, second] = [await a.digester.digest(), await b.digester.digest()];
    expect(second.sha256).not.toBe(first.sha256);
    expect(first.collections.filter((c, i) => c.sha256 !== second.collections[i]!.sha256).map((c) => c.collection)).toEqual(['units']);
    expect(await a.digester.nonEmptyCollections()).toEqual(['units']);
  });
});

// The document with its top-level fields in reverse order (what another arrival order of upserts leaves).
const reversed = (doc: object): object => Object.fromEntries(Object.entries(doc).reverse());
