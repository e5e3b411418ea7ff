import { earliest } from './facts';
import { type Provenance, provenanceFrom } from './provenance';
import { Timed, UnitDoc } from '../storage/graph.documents';

// What a unit contains and what contains it, read from its document. The traversals ask these questions
// through here, so what "contains" means under rework is decided in one place: by occurredAt, never by
// arrival, so out-of-order delivery ends in the same answer. A removal at the same instant as an install
// counts as after it: nothing is taken out before it is put in.

/** Why and by which event something stopped being part of a unit. */
export interface Removal {
  reason: string;
  provenance: Provenance;
}

const time = (t: Timed): number => new Date(t.at).getTime();
const removal = (fact: { reason: string } & Timed): Removal => ({ reason: fact.reason, provenance: provenanceFrom(fact.prov) });

/**
 * The removal that ended an installation, if it ended: every reference designator it placed (or, for bulk
 * material, the lot as a whole) was removed at or after it was installed. A removal without reference
 * designators takes out all of the lot. A later reinstallation is a fact of its own. A grey-zone placement
 * (candidates) is removed by a removal naming any of its candidate packages: the line that takes it out may name
 * either reel, and whichever fed it, it is out.
 */
export function removalOf(unit: UnitDoc, install: { lotId: string; refDes: string[]; candidates?: { lotIds: string[] } } & Timed): Removal | undefined {
  if (!unit.removals) return undefined; // never reworked (nearly every unit): nothing to look through per installation
  const lots = install.candidates ? [install.lotId, ...install.candidates.lotIds] : [install.lotId];
  const removals = Object.values(unit.removals).filter((r) => lots.includes(r.lotId) && time(r) >= time(install));
  if (removals.length === 0) return undefined;
  let last: (typeof removals)[number] | undefined;
  for (const position of install.refDes.length > 0 ? install.refDes : ['']) {
    const r = earliest(removals.filter((x) => x.refDes.length === 0 || x.refDes.includes(position)));
    if (!r) return undefined;
    if (!last || time(r) > time(last)) last = r;
  }
  return last && removal(last);
}

/** The disassembly that took a sub-assembly out of `parent`, if it was taken out after this assembly. */
export function disassemblyOf(parent: UnitDoc, child: { childSerial: string } & Timed): Removal | undefined {
  const d = earliest(Object.values(parent.disassemblies ?? {}).filter((x) => x.childSerial === child.childSerial && time(x) >= time(child)));
  return d && removal(d);
}

/** The same seen from the child: the detachment from `parentLink.serial` after it was built in, if any. */
export function detachmentOf(child: UnitDoc, parentLink: { serial: string } & Timed): Removal | undefined {
  const d = earliest(Object.values(child.detachments ?? {}).filter((x) => x.serial === parentLink.serial && time(x) >= time(parentLink)));
  return d && removal(d);
}

/** The lots installed in the unit now (with `history`, also those since removed); distinct, sorted. */
export function installedLots(unit: UnitDoc, history = false): string[] {
  const installs = Object.values(unit.installs ?? {}).filter((i) => history || !removalOf(unit, i));
  return [...new Set(installs.map((i) => i.lotId))].sort();
}

/** Whether `lotId` is among installedLots(unit, history), without building the list. */
export function holdsLot(unit: UnitDoc, lotId: string, history = false): boolean {
  for (const i of Object.values(unit.installs ?? {})) if (i.lotId === lotId && (history || !removalOf(unit, i))) return true;
  return false;
}

/** The serials the unit is built into now (with `history`, also those it was taken out of); distinct, sorted. */
export function parentSerials(unit: UnitDoc, history = false): string[] {
  const links = Object.values(unit.parents ?? {}).filter((p) => history || !detachmentOf(unit, p));
  return [...new Set(links.map((p) => p.serial))].sort();
}
