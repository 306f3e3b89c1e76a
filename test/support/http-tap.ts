import { EventEmitter } from 'node:events';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of the sandbox that says when a request *starts*. The
 * sandbox's own request log records a request when it is answered; a test that must act while a
 * like is in flight (stop the worker, pause everything) waits on the tap's event instead of
 * guessing with a delay. Point the product at `tap.url` instead of the sandbox's URL.
 */

export interface TappedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  /** Date.now() when the request reached the tap. */
  startedAt: number;
  /** Date.now() when the sandbox's answer was passed back (undefined while in flight). */
  answeredAt?: number;
  /** The sandbox's status (undefined while in flight, or when the connection dropped). */
  status?: number;
}

export interface HttpTap {
  url: string;
  /** Every request seen, in order of arrival. */
  readonly requests: readonly TappedRequest[];
  /** The first request (already seen or to come) that matches. */
  waitFor(match: (r: TappedRequest) => boolean, timeoutMs?: number): Promise<TappedRequest>;
  /** Resolves when `r` has been answered. */
  answered(r: TappedRequest, timeoutMs?: number): Promise<TappedRequest>;
  /**
   * Resolves with what `check` returns once it is neither undefined nor false, checked now and at
   * each request and answer; with undefined when `signal` aborts first (say, the client exited).
   */
  until<T>(check: () => T | undefined | false, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<T | undefined>;
  close(): Promise<void>;
}

/** A like or a follow: `POST /2/users/:id/likes` or `/following`. */
export const isWrite = (r: TappedRequest): boolean => r.method === 'POST' && /^\/2\/users\/\d+\/(likes|following)$/.test(r.path.split('?')[0]!);
export const isLike = (r: TappedRequest): boolean => r.method === 'POST' && /^\/2\/users\/\d+\/likes$/.test(r.path.split('?')[0]!);

export async function startHttpTap(target: string): Promise<HttpTap> {
  const upstream = new URL(target);
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const requests: TappedRequest[] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const seen: TappedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', startedAt: Date.now() };
    requests.push(seen);
    events.emit('request', seen);
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          seen.status = answer.statusCode;
          seen.answeredAt = Date.now();
          events.emit('answered', seen);
        });
      },
    );
    // The sandbox dropped the connection (a fault): drop the client's too, as X would.
    out.on('error', () => {
      seen.answeredAt = Date.now();
      events.emit('answered', seen);
      res.destroy();
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const waitOn = <T>(event: string, found: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const now = found();
      if (now !== undefined) return resolve(now);
      const check = () => {
        const hit = found();
        if (hit === undefined) return;
        clearTimeout(timer);
        events.off(event, check);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        events.off(event, check);
        reject(new Error(`the sandbox tap saw no ${what} within ${timeoutMs} ms (${requests.length} requests seen)`));
      }, timeoutMs);
      events.on(event, check);
    });

  const until = <T>(check: () => T | undefined | false, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<T | undefined> =>
    new Promise<T | undefined>((resolve, reject) => {
      const found = () => {
        const value = check();
        return value === undefined || value === false ? undefined : value;
      };
      const now = found();
      if (now !== undefined || options.signal?.aborted) return resolve(now);
      const timeoutMs = options.timeoutMs ?? 20_000;
      const done = () => {
        clearTimeout(timer);
        events.off('request', onEvent);
        events.off('answered', onEvent);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const onEvent = () => {
        const hit = found();
        if (hit === undefined) return;
        done();
        resolve(hit);
      };
      const onAbort = () => {
        done();
        resolve(undefined);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`the sandbox tap waited ${timeoutMs} ms in vain (${requests.length} requests seen)`));
      }, timeoutMs);
      events.on('request', onEvent);
      events.on('answered', onEvent);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });

  return {
    until,
    url: `http://127.0.0.1:${port}`,
    requests,
    waitFor: (match, timeoutMs = 20_000) => waitOn('request', () => requests.find(match), timeoutMs, 'matching request'),
    answered: (r, timeoutMs = 20_000) => waitOn('answered', () => (r.answeredAt === undefined ? undefined : r), timeoutMs, `answer to ${r.method} ${r.path}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
