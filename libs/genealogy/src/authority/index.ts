// Brand authority: what each brand approved (parts, deviations, BOM revisions) and every installed part judged against it.
export { AuthorityJudge, judgeManyWithReads, judgeWithReads } from './authority-judge';
export type { AuthorityReader } from './authority.repository';
export type { UsageReader } from './deviation-usage';
export { AUTHORITY_EVENT_TYPES, isAuthorityEvent, type AuthorityEvent, type AuthorityEventType } from './authority-writes';
export * from './authority.types';
export type { DeviationInstallation, DeviationReport, DeviationSerial, DeviationState } from './deviation-report';
export type { ApprovalState, ApprovedPart, DeviationSummary } from './brand-lists';
