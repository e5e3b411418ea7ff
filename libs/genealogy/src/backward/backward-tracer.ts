import { Injectable, Optional } from '@nestjs/common';
import { AuthorityJudge } from '../authority/authority-judge';
import { brandOf } from '../facts/claims';
import { BrandScope, Genealogy, inScope } from '../genealogy.types';
import { GenealogyOptions, assembleGenealogy } from './assemble-genealogy';
import { GraphFetcher } from './graph-fetcher';

/** Answers a serial's genealogy backward, down to vendors: one round trip per level of the graph. */
@Injectable()
export class BackwardTracer {
  constructor(private readonly graph: GraphFetcher, @Optional() private readonly authority?: AuthorityJudge) {}

  /**
   * The genealogy of `serial` as built now (with `history`, also what was removed since, marked), or null when
   * the serial is unknown or outside the caller's scope.
   */
  async trace(serial: string, scope: BrandScope, options: GenealogyOptions = {}): Promise<Genealogy | null> {
    // Scoped: a serial of another brand is read and dropped in the first round trip, like an unknown one.
    const graph = await this.graph.fetchMany([serial], scope);
    const top = graph.units.get(serial);
    if (!top || !inScope(scope, brandOf(top))) return null; // a brand in conflict: site-wide callers only
    const genealogy = assembleGenealogy(serial, graph, options);
    return this.authority ? this.authority.judge(genealogy, scope) : genealogy; // brand authority: judgements and flags
  }

  /**
   * The genealogies of many serials from one walk (one round trip per level for all of them, never into another
   * brand's units), as built now, by serial: only those known and in the scope (an unknown serial and one of another
   * brand are both absent). Judged by the brand authority as `trace` judges, the serials side by side.
   */
  async traceMany(serials: readonly string[], scope: BrandScope): Promise<Map<string, Genealogy>> {
    const graph = await this.graph.fetchMany(serials, scope);
    const known = [...new Set(serials)].filter((serial) => {
      const top = graph.units.get(serial);
      return top !== undefined && inScope(scope, brandOf(top));
    });
    const judged = await Promise.all(
      known.map((serial) => {
        const genealogy = assembleGenealogy(serial, graph);
        return this.authority ? this.authority.judge(genealogy, scope) : genealogy;
      }),
    );
    return new Map(known.map((serial, i) => [serial, judged[i]!]));
  }
}
