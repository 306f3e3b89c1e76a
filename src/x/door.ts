import { TwitterApi } from 'twitter-api-v2';
import { loopbackPlugin } from './loopback.ts';
import { searchRecent, type SearchOptions, type SearchPage } from './reads.ts';

/**
 * The one door to X. Everything the product asks of X goes through an `XDoor`; jobs get one in
 * their context and never see twitter-api-v2 itself. The sandbox and the real API differ only in
 * how the door is opened.
 */
export class XDoor {
  private constructor(
    readonly network: 'sandbox' | 'x',
    private readonly app: TwitterApi,
    private readonly release: () => void,
  ) {}

  /** A door to a running sandbox: its app-only token comes from `/__sandbox/accounts`. */
  static async sandbox(url: string): Promise<XDoor> {
    const res = await fetch(new URL('/__sandbox/accounts', url));
    if (!res.ok) throw new Error(`sandbox at ${url} did not list its accounts (HTTP ${res.status})`);
    const body = (await res.json()) as { app: { bearer_token: string } };
    const plugin = loopbackPlugin(url);
    return new XDoor('sandbox', new TwitterApi(body.app.bearer_token, { plugins: [plugin] }), () => plugin.close());
  }

  /** A door to the real X API with an app-only Bearer token (from the environment, never from YAML). */
  static real(bearerToken: string): XDoor {
    if (!bearerToken) throw new Error('X bearer token is empty: set the environment variable named in config/prospector.yaml');
    return new XDoor('x', new TwitterApi(bearerToken), () => {});
  }

  /** Recent search, page by page (see `searchRecent`). */
  search(query: string, options: SearchOptions = {}): AsyncGenerator<SearchPage> {
    return searchRecent(this.app, query, options);
  }

  close(): void {
    this.release();
  }
}
