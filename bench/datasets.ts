import { toMessage } from '@trace/contracts';
import { assembleGenealogy, fetchedOf, storeOf } from '@trace/genealogy/testing';
import { SimMessage } from '../apps/simulator/src/faults';
import { ShopFloorOptions, shopFloorEvents } from '../apps/simulator/src/shop-floor';

/** A simulated data set: its messages and its top-level serials with the size of their genealogy. */
export interface Dataset {
  name: string;
  options: ShopFloorOptions;
  messages: SimMessage[];
  /** Top-level serials in build order, with the number of nodes (units, lots, vendor lots, vendors) behind each. */
  tops: { serial: string; nodes: number; index: number }[];
}

/** Simulates `options` and sizes every top-level serial's genealogy in memory (the same writes the ingest makes). */
export function buildDataset(name: string, options: ShopFloorOptions, sizeTops = true): Dataset {
  const events = [...shopFloorEvents(options)];
  const graph = sizeTops ? fetchedOf(storeOf(events)) : undefined;
  const children = new Set(events.flatMap((e) => (e.type === 'UnitAssembled' ? [e.data.childSerial] : [])));
  const tops = events
    .flatMap((e) => (e.type === 'UnitStarted' && !children.has(e.data.serial) ? [e.data.serial] : []))
    .map((serial, index) => {
      if (!graph) return { serial, index, nodes: Number.NaN };
      const g = assembleGenealogy(serial, graph);
      return { serial, index, nodes: g.summary.units + g.lots.length + g.vendorLots.length + g.vendors.length };
    });
  return { name, options, messages: events.map((e) => toMessage(e)), tops };
}

/** The `count` top-level serials whose genealogy size is closest to `target` nodes. */
export function serialsNear(d: Dataset, target: number, count: number): Dataset['tops'] {
  return [...d.tops].sort((a, b) => Math.abs(a.nodes - target) - Math.abs(b.nodes - target) || a.index - b.index).slice(0, count);
}

