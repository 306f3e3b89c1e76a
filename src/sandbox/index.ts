/** The X API v2 sandbox: a local X with a seeded synthetic population. */
export { startSandbox, type Sandbox, type SandboxOptions } from './server.ts';
export type { LoggedRequest } from './state.ts';
export type { SandboxClock, SandboxClockOptions } from './clock.ts';
export { TIER_NAMES, type TierName, type Endpoint } from '../x/tiers.ts';
export type { Faults, EndpointFaults } from './faults.ts';
export type { SandboxUser, SandboxPost, UserTruth } from './types.ts';
export { accountsTable } from './describe.ts';
export { reactionCatalogue, type ReactionSample, type ReactionStyle } from './population/index.ts';
