import { TraceEvent } from '@trace/contracts';
import { assembleGenealogy, fetchedOf, storeOf } from '@trace/genealogy/testing';
import { ShopFloorOptions, shopFloorEvents } from '../apps/simulator/src/shop-floor';

// The simulator speaks only the contract; whether its streams make a sound genealogy is checked here, where both meet.
const small: ShopFloorOptions = { seed: 7, units: 40, partsPerBoard: 60, brands: 3 };
const events = (o: ShopFloorOptions = small): TraceEvent[] => [...shopFloorEvents(o)];

describe('a simulated shop-floor stream', () => {
  it('ends in a graph where every shipped serial traces back to vendors with no gaps, through two or three levels of sub-assemblies', () => {
    const es = events();
    const store = fetchedOf(storeOf(es));
    const shipped = [...new Set(es.flatMap((e) => (e.type === 'UnitShipped' ? [e.data.serial] : [])))];
    expect(shipped.length).toBeGreaterThan(0);
    const depths = new Set<number>();
    for (const serial of shipped) {
      const g = assembleGenealogy(serial, store);
      expect({ serial, gaps: g.gaps }).toEqual({ serial, gaps: [] });
      expect(g.summary.vendors.length).toBeGreaterThan(1);
      const depth = (u: (typeof g)['unit']): number => 1 + Math.max(0, ...u.subAssemblies.map((s) => depth(s.unit)));
      depths.add(depth(g.unit) - 1);
    }
    expect([...depths].every((d) => d === 2 || d === 3)).toBe(true);
  });
});
