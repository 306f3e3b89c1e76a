import { TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.ts';
import { loopbackPlugin } from '../../src/x/loopback.ts';

/** A fixed instant for tests: the sandbox clock starts here, frozen. */
export const T0 = '2026-11-02T09:00:00.000Z';

export interface AccountInfo {
  id: string;
  username: string;
  owner: string;
  access_token: string;
  refresh_token: string;
  oauth1_token: string;
  oauth1_secret: string;
}

export interface AccountsBody {
  app: { bearer_token: string; client_id: string; client_secret: string; consumer_key: string; consumer_secret: string };
  accounts: AccountInfo[];
}

/** One response seen by a twitter-api-v2 client, for validation against X's OpenAPI document. */
export interface Seen {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/** Records every response a client receives (successes and API errors). */
export function recorder(seen: Seen[]): ITwitterApiClientPlugin {
  return {
    onAfterRequest({ computedParams, response }) {
      seen.push({ method: computedParams.method.toUpperCase(), path: computedParams.url.pathname, status: 200, body: response.data });
    },
    onResponseError({ computedParams, error }) {
      seen.push({ method: computedParams.method.toUpperCase(), path: computedParams.url.pathname, status: error.code, body: error.data });
    },
  };
}

export interface TestSandbox extends Sandbox {
  accounts: AccountsBody;
  plugins: ITwitterApiClientPlugin[];
  /** A user-context client for sandbox account `i`. */
  userClient(i?: number): TwitterApi;
  appClient(): TwitterApi;
  advance(seconds: number): Promise<void>;
  admin<T = unknown>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
  close(): Promise<void>;
}

export async function startTestSandbox(options: SandboxOptions = {}, seen?: Seen[]): Promise<TestSandbox> {
  const sandbox = await startSandbox({ users: 3000, clock: { start: T0, mode: 'frozen' }, ...options });
  const loopback = loopbackPlugin(sandbox.url);
  const plugins: ITwitterApiClientPlugin[] = [loopback, ...(seen ? [recorder(seen)] : [])];
  const admin = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const res = await fetch(`${sandbox.url}${path}`, {
      method: init.method ?? 'GET',
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
    });
    const body = (await res.json()) as T;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const accounts = await admin<AccountsBody>('/__sandbox/accounts');
  return {
    ...sandbox,
    accounts,
    plugins,
    userClient: (i = 0) => new TwitterApi((accounts.accounts[i] as AccountInfo).access_token, { plugins }),
    appClient: () => new TwitterApi(accounts.app.bearer_token, { plugins }),
    advance: async (seconds) => {
      await admin('/__sandbox/clock', { method: 'POST', body: { advance_seconds: seconds } });
    },
    admin,
    close: async () => {
      loopback.close();
      await sandbox.stop();
    },
  };
}
