/**
 * What the bridge remembers of a line between messages, kept on its compacted Kafka topic `trace.cfx-state.v1` (one
 * record per key, the newest kept): the work orders the MES announced (`WorkOrdersCreated`/`Updated`), and which unit
 * sits at which position of a panel (`UnitsInitialized`). Read back whole at start, so it survives a restart.
 */
export { CFX_STATE_TOPIC } from '@trace/contracts';

/**
 * Compacted and kept for good: the newest record of each work order and panel stays (a table, not a log), and a
 * record is never deleted for its age (an order runs for weeks; a panel's units are asked about as long as it lives).
 */
export const CFX_STATE_TOPIC_SETTINGS = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'retention.ms', value: '-1' },
] as const;

/** A work order as the MES announced it: whose (its Customer) and what (its PartNumber) its units are. */
export interface WorkOrderRecord {
  kind: 'work-order';
  workOrder: string;
  brand?: string;
  productPartNumber?: string;
  /** The envelope's TimeStamp: a record only replaces an older one, so a redelivered old message changes nothing. */
  at: string;
  /** The envelope it came from (for an operator who asks where the bridge got it). */
  uniqueId: string;
}

/** The units of a panel (or carrier) by position: each position's unit is its own serial. */
export interface PanelRecord {
  kind: 'panel';
  panel: string;
  units: { position: number; serial: string; name?: string }[];
  at: string;
  uniqueId: string;
}

export type LineStateRecord = WorkOrderRecord | PanelRecord;

/** The Kafka key of a record: one work order, one panel. */
export const stateKeyOf = (record: LineStateRecord): string =>
  record.kind === 'work-order' ? `work-order:${record.workOrder}` : `panel:${record.panel}`;

/** The serial a panel position has when its unit carries no identifier of its own: `<panel>@<position>`. */
export const positionSerial = (panel: string, position: number): string => `${panel}@${position}`;

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads a record of the state topic; undefined for anything else (a record of a later version is skipped, not fatal). */
export function parseStateRecord(value: Buffer | string | null): LineStateRecord | undefined {
  if (value === null) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(value.toString());
  } catch {
    return undefined;
  }
  if (!isRecord(v) || !isText(v.at) || !isText(v.uniqueId) || !Number.isFinite(Date.parse(v.at))) return undefined;
  if (v.kind === 'work-order' && isText(v.workOrder)) {
    if ((v.brand !== undefined && !isText(v.brand)) || (v.productPartNumber !== undefined && !isText(v.productPartNumber))) return undefined;
    return v as unknown as WorkOrderRecord;
  }
  if (v.kind === 'panel' && isText(v.panel) && Array.isArray(v.units)) {
    const fits = v.units.every((u) => isRecord(u) && Number.isInteger(u.position) && isText(u.serial) && (u.name === undefined || isText(u.name)));
    return fits ? (v as unknown as PanelRecord) : undefined;
  }
  return undefined;
}

/** The tables themselves, in memory: filled from the topic at start, then by the messages the bridge maps. */
export class LineState {
  private readonly workOrders = new Map<string, WorkOrderRecord>();
  private readonly panels = new Map<string, PanelRecord>();

  /**
   * Takes a record if it is newer (by `at`) than the one held for its key; true when it changed the table. Ties keep
   * the one held: the same message again, or two at the same instant, where the first seen stays.
   */
  offer(record: LineStateRecord): boolean {
    const table: Map<string, LineStateRecord> = record.kind === 'work-order' ? this.workOrders : this.panels;
    const key = record.kind === 'work-order' ? record.workOrder : record.panel;
    const held = table.get(key);
    if (held !== undefined && Date.parse(held.at) >= Date.parse(record.at)) return false;
    table.set(key, record);
    return true;
  }

  workOrder(id: string): WorkOrderRecord | undefined {
    return this.workOrders.get(id);
  }

  /** The serial at `position` of `panel`, if the panel's UnitsInitialized was seen and names that position. */
  unitAt(panel: string, position: number): string | undefined {
    return this.panels.get(panel)?.units.find((u) => u.position === position)?.serial;
  }

  /** The serials of a panel's units, by position; empty for a panel not seen. */
  unitsOf(panel: string): string[] {
    return [...(this.panels.get(panel)?.units ?? [])].sort((a, b) => a.position - b.position).map((u) => u.serial);
  }

  /** Whether a UnitsInitialized named `id` as a panel of several units. */
  isPanel(id: string): boolean {
    return this.panels.has(id);
  }

  get size(): { workOrders: number; panels: number } {
    return { workOrders: this.workOrders.size, panels: this.panels.size };
  }
}
