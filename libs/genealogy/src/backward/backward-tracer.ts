import { Injectable, Optional } from '@nestjs/common';
import { AuthorityJudge } from '../authority/authority-judge';
import { brandOf } from '../facts/claims';
import { BrandScope, Genealogy, inScope } from '../genealogy.types';
import { GenealogyOptions, assembleGenealogy } from './assemble-genealogy';
import { GraphFetcher, LevelListener } from './graph-fetcher';
import type { AuthorityReadAhead } from '../authority/read-ahead';

/** Answers a serial's genealogy backward, down to vendors: one round trip per level of the graph. */
@Injectable()
export class BackwardTracer {
  constructor(private readonly graph: GraphFetcher, @Optional() private readonly authority?: AuthorityJudge) {}

  /**
   * The genealogy of `serial` as built now (with `history`, also what was removed or retracted, marked; with `asOf`, as
   * built then), or null when the serial is unknown or outside the caller's scope (then too).
   */
  async trace(serial: string, scope: BrandScope, options: GenealogyOptions = {}): Promise<Genealogy | null> {
    // Scoped: a serial of another brand is read and dropped in the first round trip, like an unknown one.
    const ahead = this.readAhead(scope);
    const graph = await this.graph.fetchMany([serial], scope, options.asOf, ahead.onLevel);
    const top = graph.units.get(serial);
    if (!top || !inScope(scope, brandOf(top))) return null; // a brand in conflict: site-wide callers only
    const genealogy = assembleGenealogy(serial, graph, options);
    return this.authority ? this.authority.judge(genealogy, scope, graph.view, ahead.reads) : genealogy; // brand authority: judgements and flags
  }

  /**
   * The genealogies of many serials from one walk (one round trip per level for all of them, never into another
   * brand's units), as built now, by serial: only those known and in the scope (an unknown serial and one of another
   * brand are both absent). Judged by the brand authority as `trace` judges each, with one set of authority reads for
   * all of them (judgeMany).
   */
  async traceMany(serials: readonly string[], scope: BrandScope, asOf?: Date): Promise<Map<string, Genealogy>> {
    const ahead = this.readAhead(scope);
    const graph = await this.graph.fetchMany(serials, scope, asOf, ahead.onLevel);
    const known = [...new Set(serials)].filter((serial) => {
      const top = graph.units.get(serial);
      return top !== undefined && inScope(scope, brandOf(top));
    });
    const genealogies = known.map((serial) => assembleGenealogy(serial, graph));
    const judged = this.authority ? await this.authority.judgeMany(genealogies, scope, graph.view, ahead.reads) : genealogies;
    return new Map(known.map((serial, i) => [serial, judged[i]!]));
  }

  /**
   * The judgement's reads started while the walk goes on (AuthorityReadAhead): its first level that follows a unit
   * starts them, so a serial unknown or outside the scope reads nothing ahead.
   */
  private readAhead(scope: BrandScope): { onLevel?: LevelListener; reads?: AuthorityReadAhead } {
    const authority = this.authority;
    if (!authority) return {};
    const out: { onLevel?: LevelListener; reads?: AuthorityReadAhead } = {};
    out.onLevel = (level, view) => (out.reads ??= authority.readAhead(scope, view)).level(level.units, level.vendorLots);
    return out;
  }
}
