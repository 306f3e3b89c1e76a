import { Agent } from 'node:http';
import type { ITwitterApiClientPlugin } from 'twitter-api-v2';

/**
 * Points twitter-api-v2 at the sandbox. The library has no base-URL setting (`api.x.com` is
 * hard-coded and always spoken over https), so this plugin rewrites the computed URL just before
 * the request leaves and gives it a plain-HTTP agent. It runs after OAuth signing, so signatures
 * and the library's rate-limit bookkeeping stay those of production.
 */
export interface LoopbackPlugin extends ITwitterApiClientPlugin {
  /** Closes the kept-alive sockets. */
  close(): void;
}

const X_HOSTS = new Set(['api.x.com', 'api.twitter.com', 'upload.twitter.com']);

export function loopbackPlugin(baseUrl: string): LoopbackPlugin {
  const target = new URL(baseUrl);
  if (target.protocol !== 'http:') throw new Error(`loopback: expected an http:// sandbox URL, got ${baseUrl}`);
  const agent = new Agent({ keepAlive: true });
  return {
    onBeforeRequest({ computedParams, requestOptions }) {
      const url = computedParams.url;
      if (!X_HOSTS.has(url.hostname)) return;
      url.protocol = target.protocol;
      url.host = target.host;
      requestOptions.agent = agent;
    },
    close() {
      agent.destroy();
    },
  };
}
