/** The X API v2 sandbox: a local X with a seeded synthetic population. */
export { startSandbox, type Sandbox, type SandboxOptions, type LoggedRequest } from './server.ts';
export { SandboxClock, type SandboxClockOptions } from './clock.ts';
export { TIERS, TIER_NAMES, tierLimits, PAY_PER_USE_USD, type TierName, type Endpoint } from '../x/tiers.ts';
export type { Faults, EndpointFaults } from './faults.ts';
export type { SandboxUser, SandboxPost, UserTruth } from './types.ts';
export { accountsTable } from './describe.ts';
