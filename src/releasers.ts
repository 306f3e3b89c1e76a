/**
 * Things acquired one after another and released in reverse order (graphile-worker's
 * `withReleasers`): the database opened first is closed last. Every release runs even when one
 * throws; the errors are thrown together afterwards (one as itself, several in an AggregateError),
 * so a failing web server never leaves the database open.
 */

export type Release = () => Promise<void> | void;

export class Releasers {
  private readonly stack: Release[] = [];

  /** Adds a release, to run before every release added earlier. */
  push(release: Release): void {
    this.stack.push(release);
  }

  get size(): number {
    return this.stack.length;
  }

  /**
   * Runs every release added so far, last added first, and forgets them (a second call runs only
   * what was added since). Throws after all have run: the one error, or an AggregateError.
   */
  async release(what = 'releasing'): Promise<void> {
    const errors: unknown[] = [];
    for (const release of this.stack.splice(0).reverse()) {
      try {
        await release();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${what} failed in ${errors.length} places: ${errors.map((e) => (e as Error)?.message ?? String(e)).join('; ')}`);
  }
}
