import type { BrandScope } from '@trace/genealogy';

export const ROLES = ['quality', 'auditor', 'admin', 'approver'] as const;
/**
 * quality: every query and action; auditor: read-only queries and reports; admin: keys and the access log;
 * approver: publishes its one brand's approvals, deviations and BOM revisions, and reads its deviations.
 */
export type Role = (typeof ROLES)[number];

/** Who is calling: an API key's id, role and brand scope. Never holds the key's secret. */
export interface Principal {
  keyId: string;
  role: Role;
  scope: BrandScope;
  label?: string;
}
