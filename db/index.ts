/** The database layer: open, migrate, and one function per operation. All SQL of the product lives in db/. */
export { openDatabase, describeUrl, DEFAULT_DATA_DIR, type Database, type DatabaseHandle, type DatabaseKind, type DatabaseLog, type DatabaseOptions, type Transaction } from './client.ts';
export { migrate, loadMigrations, type MigrateResult, type Migration } from './migrate.ts';
export { upsertProspects, upsertPosts, knownPostIds, type ProspectInput, type PostInput, type UpsertCounts } from './prospects.ts';
export { upsertMatches, streamMatchesToScore, saveScores, type MatchInput, type MatchToScore, type ScoreInput } from './matches.ts';
export { getCursor, setCursor, queryHash, addReads, readsToday, type SearchCursor, type SetCursorInput, type Reads } from './search.ts';
export { buildQueue, decideLead, listQueue, findLead, nextStates, LeadError, type BuildQueueInput, type DecideLeadInput, type ListQueueInput, type Lead, type LeadEvent, type LeadDetail, type QueueEntry } from './leads.ts';
export { addDoNotContact, isDoNotContact, OPEN_LEAD_STATES, type DoNotContactInput, type DoNotContactResult } from './do-not-contact.ts';
export { recordSignals, type SignalInput } from './signals.ts';
export { startRun, finishRun, getRun, type JobRun, type StartRunInput, type FinishRunInput } from './runs.ts';
export * from './schema.ts';
export { addSignals, engagedProspects, pendingFollows, acceptFollows, markWarmLeads, countColdLeads, matchesOfProspects, raiseLeadScores, POSITIVE_SIGNALS, type PendingFollow, type WarmedLead } from './signals.ts';
export { getSignalCursor, setSignalCursor, hasGraph, knownGraphIds, addToGraph, type GraphDirection, type SetSignalCursorInput, type AddToGraphInput } from './graph.ts';
export { type LeadSignal, type LeadAction } from './leads.ts';
