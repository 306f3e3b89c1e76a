/** X ids are decimal strings of up to 19 digits; posts use snowflakes ordered by time. */

export const ID_PATTERN = /^[0-9]{1,19}$/;

/** X's snowflake epoch (2010-11-04T01:42:54.657Z). */
const SNOWFLAKE_EPOCH = 1288834974657;

/** A snowflake id for an instant and a sequence number within that millisecond. */
export function snowflake(ms: number, sequence: number): string {
  return ((BigInt(ms - SNOWFLAKE_EPOCH) << 22n) | BigInt(sequence & 0x3fffff)).toString();
}

/** The instant a snowflake id was minted. */
export function snowflakeTime(id: string): number {
  return Number(BigInt(id) >> 22n) + SNOWFLAKE_EPOCH;
}

/** Orders decimal id strings numerically without BigInt (ids carry no leading zeros). */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
