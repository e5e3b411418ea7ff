import { NotFoundException } from '@nestjs/common';
import type { BackwardTracer, BrandScope, Genealogy, GenealogyOptions } from '@trace/genealogy';

/** The backward genealogy of a serial in the caller's scope; a 404 when it is unknown (to the scope). */
export async function genealogyOf(tracer: BackwardTracer, serial: string, scope: BrandScope, options: GenealogyOptions = {}): Promise<Genealogy> {
  const genealogy = await tracer.trace(serial, scope, options);
  // Same answer for "never existed" and "outside your scope": a scoped caller learns nothing of other brands.
  if (!genealogy) throw new NotFoundException(`serial ${JSON.stringify(serial)} is not known`);
  return genealogy;
}
