/**
 * X API v2 error bodies, as X sends them. Tests validate each against X's OpenAPI document, and
 * twitter-api-v2 turns them into `ApiResponseError`s the product must handle.
 */

export interface HttpReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const INVALID_REQUEST = 'https://api.twitter.com/2/problems/invalid-request';

/** One invalid parameter; X lists every one it found. */
export interface ParameterError {
  parameters: Record<string, string[]>;
  message: string;
}

export function invalidRequest(errors: ParameterError[]): HttpReply {
  return {
    status: 400,
    body: {
      errors,
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: INVALID_REQUEST,
    },
  };
}

export function parameterError(name: string, values: string[], message: string): ParameterError {
  return { parameters: { [name]: values }, message };
}

export function unauthorized(): HttpReply {
  return { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } };
}

/** User-context endpoint called with an app-only Bearer token (X's text, double space included). */
export function unsupportedAuthentication(): HttpReply {
  return {
    status: 403,
    body: {
      title: 'Unsupported Authentication',
      detail:
        'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
      type: 'https://api.twitter.com/2/problems/unsupported-authentication',
      status: 403,
    },
  };
}

/** A write on behalf of another user than the token's. */
export function forbidden(detail: string): HttpReply {
  return { status: 403, body: { title: 'Forbidden', detail, type: 'about:blank', status: 403 } };
}

export function tooManyRequests(headers: Record<string, string>): HttpReply {
  return {
    status: 429,
    headers,
    body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
  };
}

export function usageCapExceeded(): HttpReply {
  return {
    status: 429,
    body: {
      title: 'UsageCapExceeded',
      detail: 'Usage cap exceeded: Monthly product cap',
      type: 'https://api.twitter.com/2/problems/usage-capped',
      period: 'Monthly',
      scope: 'Product',
    },
  };
}

export function creditsDepleted(): HttpReply {
  return {
    status: 402,
    body: {
      title: 'CreditsDepleted',
      detail: 'Your enrolled account does not have any credits to fulfill this request.',
      type: 'https://api.twitter.com/2/problems/credits-depleted',
    },
  };
}

export function notFound(): HttpReply {
  return { status: 404, body: { title: 'Not Found Error', detail: 'Sorry, that page does not exist.', type: 'about:blank', status: 404 } };
}

export function serverError(status: 500 | 503): HttpReply {
  return status === 500
    ? { status, body: { title: 'Internal Server Error', detail: 'Internal Server Error', type: 'about:blank', status } }
    : { status, body: { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status } };
}

/** A resource-not-found entry of a 200 body's `errors` array (partial errors). */
export function resourceNotFound(resourceType: 'user' | 'tweet', parameter: string, value: string): Record<string, string> {
  const noun = resourceType === 'user' ? 'user' : 'Post';
  const by = parameter === 'usernames' || parameter === 'username' ? 'username' : 'id';
  return {
    value,
    detail: `Could not find ${noun} with ${by}: [${value}].`,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: value,
    type: 'https://api.twitter.com/2/problems/resource-not-found',
  };
}
