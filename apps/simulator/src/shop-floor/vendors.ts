import { TraceEvent } from '@trace/contracts';
import { VENDORS } from './catalog';
import { Site, pad } from './site';

export interface Vendor {
  vendorId: string;
  name: string;
  country: string;
  status: 'approved' | 'conditional' | 'disqualified';
}

/** The site's vendors: a pool shared by every brand; a few start as conditional, a few get disqualified mid-run. */
export class Vendors {
  readonly all: Vendor[];
  private readonly toDisqualify: Vendor[];

  constructor(private readonly site: Site, brandCount: number) {
    this.all = VENDORS.slice(0, Math.min(VENDORS.length, 6 + 3 * brandCount)).map(([name, country], i) => ({
      vendorId: `V-${site.tag}-${pad(i + 1, 3)}`,
      name,
      country,
      status: 'approved' as Vendor['status'],
    }));
    const conditional = new Set<number>();
    while (conditional.size < Math.max(1, Math.round(this.all.length / 8))) conditional.add(site.rnd.int(0, this.all.length - 1));
    for (const i of conditional) this.all[i]!.status = 'conditional';
    this.toDisqualify = this.all.filter((v) => v.status === 'approved').filter(() => site.rnd.chance(0.12)).slice(0, 2);
    if (this.toDisqualify.length === 0) this.toDisqualify.push(this.all.find((v) => v.status === 'approved')!);
  }

  /** Every vendor registers at the MES, with its status. */
  *register(): Generator<TraceEvent, void, undefined> {
    for (const v of this.all) {
      yield this.site.event('VendorRegistered', { vendorId: v.vendorId, name: v.name, country: v.country, status: v.status }, this.site.at('mes'));
      this.site.tick(1, 30);
    }
  }

  /** The vendors that may still be bought from. */
  usable(): Vendor[] {
    return this.all.filter((v) => v.status !== 'disqualified');
  }

  /** Counterfeits found at incoming inspection: the vendors chosen at the start lose their approval. */
  *disqualify(): Generator<TraceEvent, void, undefined> {
    for (const v of this.toDisqualify) {
      v.status = 'disqualified';
      this.site.tick(60, 600);
      yield this.site.event('VendorStatusChanged', { vendorId: v.vendorId, status: 'disqualified', reason: 'counterfeit parts found at incoming inspection' }, this.site.at('quality'));
    }
  }

  /** A supplier audit passed: the first conditional vendor, if any, is approved. */
  *requalify(): Generator<TraceEvent, void, undefined> {
    const v = this.all.find((x) => x.status === 'conditional');
    if (v) {
      v.status = 'approved';
      this.site.tick(60, 600);
      yield this.site.event('VendorStatusChanged', { vendorId: v.vendorId, status: 'approved', reason: 'supplier audit passed' }, this.site.at('quality'));
    }
  }
}
