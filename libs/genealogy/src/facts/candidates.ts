import { chronological } from './facts';
import { type Provenance, provenanceFrom } from './provenance';
import { removalOf } from './as-built';
import type { InstallFact, LotDoc, SpliceFact, UnitDoc } from '../storage/graph.documents';

// An installation that came from one of several packages (a placement in a splice's grey zone): which packages it
// may have come from, and whether a later fact settled it. Decided at read time from the splice points stored on the
// packages, so a splice point that arrives before or after the placements ends in the same answer.

/** How a candidate installation stands: every package it may have come from, or the one a splice point settled. */
export interface CandidateReading {
  lotIds: string[];
  reason: string;
  /** The package it came from, once a splice point said so; then the installation is certain. */
  settledTo?: string;
  settledBy?: Provenance;
}

const time = (iso: string | Date): number => new Date(iso).getTime();

/**
 * The candidates of an installation and whether they settled: the first splice point (by occurredAt) between two
 * of its candidates settles it when every placement (its `placedAt`, else the installation's time) lies on one side
 * of it: before it, the leading package; at or after it, the trailing one. Undefined for a certain installation.
 */
export function candidatesOf(install: InstallFact, splicePoints: readonly SpliceFact[]): CandidateReading | undefined {
  const c = install.candidates;
  if (!c) return undefined;
  const reading: CandidateReading = { lotIds: [...c.lotIds], reason: c.reason };
  const point = splicePoints.find((p) => c.lotIds.includes(p.leadingLotId) && c.lotIds.includes(p.trailingLotId));
  if (!point) return reading;
  const at = time(point.at);
  const times = install.placements?.some((p) => p.placedAt !== undefined)
    ? install.placements.map((p) => time(p.placedAt ?? install.at))
    : [time(install.at)];
  const side = times.every((t) => t < at) ? point.leadingLotId : times.every((t) => t >= at) ? point.trailingLotId : undefined;
  return side === undefined ? reading : { ...reading, settledTo: side, settledBy: provenanceFrom(point.prov) };
}

/** The splice points stored on some lots, distinct and in the order they happened. */
export function splicePointsOf(lots: Iterable<LotDoc | undefined>): SpliceFact[] {
  const all: Record<string, SpliceFact> = {};
  for (const lot of lots) Object.assign(all, lot?.splicePoints ?? {});
  return chronological(all);
}

/** The packages an installation stands for: the settled one, every candidate, or its lot. */
export const lotsOfInstall = (install: InstallFact, reading: CandidateReading | undefined): string[] =>
  reading === undefined ? [install.lotId] : reading.settledTo !== undefined ? [reading.settledTo] : reading.lotIds;

/**
 * How a unit holds a lot, over its installations: now and ever (with what was removed), and whether only as a
 * candidate (no certain installation of it, at least one that may have come from it).
 */
export function holdOf(unit: UnitDoc, lotId: string, splicePoints: readonly SpliceFact[]): { now: boolean; ever: boolean; candidate: boolean; others: string[] } {
  let certainNow = false;
  let certainEver = false;
  let candidateNow = false;
  let candidateEver = false;
  const others = new Set<string>();
  for (const i of Object.values(unit.installs ?? {})) {
    const reading = candidatesOf(i, splicePoints);
    const lots = lotsOfInstall(i, reading);
    if (!lots.includes(lotId)) continue;
    const now = !removalOf(unit, i);
    if (lots.length === 1) {
      certainEver = true;
      certainNow ||= now;
    } else {
      candidateEver = true;
      candidateNow ||= now;
      for (const l of lots) if (l !== lotId) others.add(l);
    }
  }
  const now = certainNow || candidateNow;
  return { now, ever: certainEver || candidateEver, candidate: now ? !certainNow : !certainEver, others: [...others].sort() };
}

/** A candidate installation in words, as the report and the UI say it: `REEL-A or REEL-B`. */
export const lotsInWords = (lotIds: readonly string[]): string =>
  lotIds.length <= 2 ? lotIds.join(' or ') : `${lotIds.slice(0, -1).join(', ')} or ${lotIds.at(-1)}`;
