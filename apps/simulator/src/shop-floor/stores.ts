import { TraceEvent } from '@trace/contracts';
import { Packaging } from './catalog';
import { Part } from './parts';
import { Site, pad } from './site';
import { Vendors } from './vendors';

/** A lot in stores or on a feeder, with what is left of it. */
export interface Lot {
  lotId: string;
  remaining: number;
}

/**
 * The site's material: goods-in receives vendor lots into stores, stores hold lots by part, merge remnants and split
 * reels for kitting, and each SMT line has one feeder lot per part.
 */
export class Stores {
  private readonly stock = new Map<Part, Lot[]>();
  private readonly feeders = new Map<string, Lot>();

  constructor(private readonly site: Site, private readonly vendors: Vendors) {}

  /** Takes `quantity` of `part` from `line`'s feeder, reloading it from stores (and stores from goods-in) when short; returns the lot used. */
  *consume(line: string, part: Part, quantity: number): Generator<TraceEvent, string, undefined> {
    // One feeder per part as bought: an alternate of the same IPN goes on a feeder of its own, so the line places it at once.
    const key = `${line}\u0000${part.ipn}\u0000${part.manufacturer}\u0000${part.mpn}`;
    let lot = this.feeders.get(key);
    if (!lot || lot.remaining < quantity) {
      if (lot && lot.remaining > 0) this.stockOf(part).push(lot); // the remnant goes back to stores
      lot = yield* this.takeFromStores(part, quantity);
      this.feeders.set(key, lot);
    }
    lot.remaining = Math.round((lot.remaining - quantity) * 1000) / 1000;
    return lot.lotId;
  }

  private *takeFromStores(part: Part, quantity: number): Generator<TraceEvent, Lot, undefined> {
    const { site } = this;
    let stock = this.stockOf(part);
    if (stock.length >= 2 && site.rnd.chance(0.3)) {
      // Two partial lots of one part are merged into one, to free a feeder slot.
      stock.sort((a, b) => a.remaining - b.remaining || (a.lotId < b.lotId ? -1 : 1));
      const [a, b] = stock.splice(0, 2) as [Lot, Lot];
      const merged: Lot = { lotId: this.newLotId(part.packaging), remaining: a.remaining + b.remaining };
      site.tick(30, 300);
      yield site.event('LotMerged', { sourceLotIds: [a.lotId, b.lotId], lotId: merged.lotId }, site.at('stores'));
      stock.push(merged);
    }
    let index = stock.findIndex((l) => l.remaining >= quantity);
    while (index < 0) {
      yield* this.receive(part);
      stock = this.stockOf(part);
      index = stock.findIndex((l) => l.remaining >= quantity);
    }
    let [lot] = stock.splice(index, 1) as [Lot];
    if (lot.remaining >= 4 * quantity && site.rnd.chance(0.25)) {
      // Kitting: part of a reel goes to the line, the rest back to stores as a lot of its own.
      const toLine = Math.max(quantity, Math.round((lot.remaining * site.rnd.int(20, 60)) / 100));
      const first: Lot = { lotId: this.newLotId(part.packaging), remaining: toLine };
      const rest: Lot = { lotId: this.newLotId(part.packaging), remaining: lot.remaining - toLine };
      site.tick(30, 300);
      yield site.event(
        'LotSplit',
        { sourceLotId: lot.lotId, newLots: [{ lotId: first.lotId, quantity: first.remaining }, { lotId: rest.lotId, quantity: rest.remaining }] },
        site.at('stores'),
      );
      stock.push(rest);
      lot = first;
    }
    return lot;
  }

  /** Goods-in: a receipt of one to four packages from a usable vendor of the part, each inspected, most into stores. */
  private *receive(part: Part): Generator<TraceEvent, void, undefined> {
    const { site } = this;
    let candidates = this.vendors.usable().filter((v) => part.vendorIds.includes(v.vendorId));
    if (candidates.length === 0) {
      // Every vendor of this part lost its approval: buying moves to another vendor.
      const fallback = site.rnd.pick(this.vendors.usable());
      part.vendorIds.push(fallback.vendorId);
      candidates = [fallback];
    }
    const vendor = site.rnd.pick(candidates);
    site.tick(60, 900);
    const made = new Date(site.now - site.rnd.int(2, 40) * 7 * 86_400_000);
    const week = Math.ceil(((made.getTime() - Date.UTC(made.getUTCFullYear(), 0, 1)) / 86_400_000 + 1) / 7);
    const dateCode = `${String(made.getUTCFullYear()).slice(2)}${pad(week, 2)}`;
    const packages = Array.from({ length: part.packaging === 'TRAY' || part.uom === 'g' ? site.rnd.int(1, 2) : site.rnd.int(1, 4) }, () => ({
      lotId: this.newLotId(part.packaging),
      quantity: this.packQty(part),
    }));
    yield site.event(
      'MaterialReceived',
      {
        receiptId: `GR-${site.tag}-${pad(site.next('receipt'), 6)}`,
        vendorId: vendor.vendorId,
        manufacturer: part.manufacturer,
        mpn: part.mpn,
        internalPartNumber: part.ipn,
        vendorLotCode: `${dateCode}${site.rnd.int(0, 36 ** 3 - 1).toString(36).toUpperCase()}${site.next('vendor-lot').toString(36).toUpperCase()}`,
        dateCode,
        ...(site.rnd.chance(0.9) ? { countryOfOrigin: part.origin } : {}),
        receivedAt: new Date(site.now).toISOString(),
        uom: part.uom,
        packages,
      },
      site.at('goods-in'),
    );
    for (const p of packages) {
      if (site.rnd.chance(0.02)) {
        site.tick(300, 3600);
        yield site.event('LotStatusChanged', { lotId: p.lotId, status: 'quarantined', reason: 'incoming inspection: solderability test failed' }, site.at('quality'));
        continue; // never released to the lines
      }
      if (site.rnd.chance(0.03)) {
        site.tick(300, 3600);
        yield site.event('LotStatusChanged', { lotId: p.lotId, status: 'hold', reason: 'awaiting certificate of conformance' }, site.at('quality'));
        site.tick(3600, 86_400);
        yield site.event('LotStatusChanged', { lotId: p.lotId, status: 'released', reason: 'certificate of conformance received' }, site.at('quality'));
      }
      this.stockOf(part).push({ lotId: p.lotId, remaining: p.quantity });
    }
  }

  private stockOf(part: Part): Lot[] {
    return this.stock.get(part) ?? this.stock.set(part, []).get(part)!;
  }

  private newLotId(packaging: Packaging): string {
    return `${packaging}-${this.site.tag}-${pad(this.site.next('lot'), 7)}`;
  }

  private packQty(part: Part): number {
    const [min, max] = part.kind.packQty;
    return part.uom === 'g' ? min : Math.max(min, Math.round(this.site.rnd.int(min, max) / 50) * 50);
  }
}
