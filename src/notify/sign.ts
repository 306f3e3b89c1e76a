import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of plain-JSON webhooks, as Stripe and GitHub do them: HMAC-SHA256 with the webhook's
 * secret over `<timestamp>.<body>`, sent as `X-Prospector-Signature: sha256=<hex>` next to
 * `X-Prospector-Timestamp: <unix seconds>`. Signing the timestamp with the body lets a receiver
 * refuse an old message replayed (see `verifySignature`).
 */

export const SIGNATURE_HEADER = 'x-prospector-signature';
export const TIMESTAMP_HEADER = 'x-prospector-timestamp';
export const DELIVERY_HEADER = 'x-prospector-delivery';
/** How old a signed message a receiver accepts, by default. */
export const DEFAULT_TOLERANCE_S = 300;

export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver runs: true when `signature` is ours for this body and timestamp, and the
 * timestamp is within `toleranceS` of `now`. Compared in constant time.
 */
export function verifySignature(input: { secret: string; body: string; timestamp: string | undefined; signature: string | undefined; now?: Date; toleranceS?: number }): boolean {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const age = Math.abs((input.now ?? new Date()).getTime() / 1000 - Number(timestamp));
  if (age > (input.toleranceS ?? DEFAULT_TOLERANCE_S)) return false;
  const expected = Buffer.from(sign(input.secret, Number(timestamp), input.body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
