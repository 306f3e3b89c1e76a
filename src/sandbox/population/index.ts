/**
 * The sandbox's synthetic population: people of many trades and three languages, bots among
 * them, with ground truth; plus the texts they post and the reactions they send to the team's
 * accounts. See `users.ts` for how a population is drawn from a seed.
 */
export { generateUsers } from './users.ts';
export { composePost, type ComposeOptions } from './posts.ts';
export { composeReaction, reactionCatalogue, LOOK_ALIKE_SHARE, type ComposedReaction, type ReactionKind, type ReactionSample, type ReactionStyle } from './reactions.ts';
export { TRADES, type Trade } from './trades.ts';
export { POPULATION_NOW } from './ids.ts';
export { SENIORITY_ORDER } from './text/index.ts';
export { HOSTILE_BIOS, HOSTILE_NAMES, HOSTILE_POSTS, isHostile } from './hostile.ts';
