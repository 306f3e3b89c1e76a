import { z } from 'zod';
import { ENDPOINTS, type Endpoint } from '../x/tiers.ts';
import { Rng } from './rng.ts';

/**
 * Fault injection, per endpoint (or `*` for all): the failures a worker meets on the real API,
 * on demand and reproducibly (the faults draw from their own seeded generator).
 */

const probability = z.number().min(0).max(1);

const endpointFaultsSchema = z
  .object({
    /** Probability of an HTTP 500. */
    error_500: probability.optional(),
    /** Probability of an HTTP 503. */
    error_503: probability.optional(),
    /** Probability that a request starts a 429 storm: the endpoint's window is used up. */
    storm_429: probability.optional(),
    /** Probability that the connection is dropped without an answer. */
    drop: probability.optional(),
    /**
     * Probability that the connection drops after the request was carried out (X acted, the
     * client never hears): what makes reconciliation necessary.
     */
    drop_after: probability.optional(),
    /** Probability of a 403 refusing the request as automated (X's anti-spam answer to likes and follows). */
    spam_403: probability.optional(),
    /**
     * Probability of X's 402 CreditsDepleted: the pay-per-use account has no credit left. At 1 on
     * `*`, every call is refused, as on X until credit is bought.
     */
    credits_depleted: probability.optional(),
    /** Added latency in ms: a fixed value or a [min, max] range. */
    latency_ms: z.union([z.number().int().min(0).max(60_000), z.tuple([z.number().int().min(0), z.number().int().max(60_000)])]).optional(),
    /** Probability that the latency applies (1 when latency is set and this is not). */
    latency_probability: probability.optional(),
  })
  .strict();

const faultsSchema = z
  .partialRecord(z.union([z.literal('*'), z.enum(ENDPOINTS)]), endpointFaultsSchema)
  .describe('faults per endpoint');

export type EndpointFaults = z.infer<typeof endpointFaultsSchema>;
export type Faults = z.infer<typeof faultsSchema>;

export type FaultOutcome =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'drop'; latencyMs: number }
  | { kind: 'drop_after'; latencyMs: number }
  | { kind: 'spam'; latencyMs: number }
  | { kind: 'credits_depleted'; latencyMs: number }
  | { kind: 'error'; status: 500 | 503; latencyMs: number }
  | { kind: 'storm'; latencyMs: number };

export class FaultInjector {
  private faults: Faults = {};
  private readonly rng: Rng;

  constructor(seed: number, faults: Faults = {}) {
    this.rng = new Rng(seed, 'faults');
    this.set(faults);
  }

  /** Replaces the fault table; throws a readable error naming the bad field. */
  set(faults: unknown): Faults {
    const parsed = faultsSchema.safeParse(faults);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`faults.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, { cause: parsed.error });
    }
    this.faults = parsed.data;
    return this.faults;
  }

  get current(): Faults {
    return this.faults;
  }

  draw(endpoint: Endpoint | 'oauth2.token'): FaultOutcome {
    const f = (endpoint !== 'oauth2.token' ? this.faults[endpoint] : undefined) ?? this.faults['*'];
    if (!f) return { kind: 'none', latencyMs: 0 };
    let latencyMs = 0;
    if (f.latency_ms !== undefined && this.rng.chance(f.latency_probability ?? 1)) {
      latencyMs = typeof f.latency_ms === 'number' ? f.latency_ms : this.rng.range(f.latency_ms[0], f.latency_ms[1]);
    }
    if (f.drop && this.rng.chance(f.drop)) return { kind: 'drop', latencyMs };
    if (f.drop_after && this.rng.chance(f.drop_after)) return { kind: 'drop_after', latencyMs };
    if (f.spam_403 && this.rng.chance(f.spam_403)) return { kind: 'spam', latencyMs };
    if (f.credits_depleted && this.rng.chance(f.credits_depleted)) return { kind: 'credits_depleted', latencyMs };
    if (f.error_500 && this.rng.chance(f.error_500)) return { kind: 'error', status: 500, latencyMs };
    if (f.error_503 && this.rng.chance(f.error_503)) return { kind: 'error', status: 503, latencyMs };
    if (f.storm_429 && this.rng.chance(f.storm_429)) return { kind: 'storm', latencyMs };
    return { kind: 'none', latencyMs };
  }
}
