import { UnitDoc } from './schemas/graph.documents';

// What a unit contains and what contains it, read from its document. The traversals ask these questions
// through here, so what "contains" means (rework, history) is decided in one place.

/** The lots installed in the unit (distinct, sorted). */
export function installedLots(unit: UnitDoc): string[] {
  return [...new Set(Object.values(unit.installs ?? {}).map((i) => i.lotId))].sort();
}

/** The serials the unit is built into (distinct, sorted); normally one, none for a top-level unit. */
export function parentSerials(unit: UnitDoc): string[] {
  return [...new Set(Object.values(unit.parents ?? {}).map((p) => p.serial))].sort();
}
