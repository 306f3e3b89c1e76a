import type { HttpReply } from './problems.ts';
import type { World } from './world.ts';

/**
 * `POST /2/oauth2/token`, refresh flow. twitter-api-v2 sends the body as JSON, other clients as a
 * form; both are accepted. Errors use OAuth2's own body, which is what X returns here.
 */
export function oauth2Token(world: World, authorization: string | undefined, body: unknown, now: number): HttpReply {
  const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const oauthError = (error: string, description: string, status = 400): HttpReply => ({
    status,
    body: { error, error_description: description },
  });

  // Confidential clients authenticate with Basic; public clients send client_id in the body.
  let clientId = typeof form.client_id === 'string' ? form.client_id : undefined;
  if (authorization?.startsWith('Basic ')) {
    const [id, secret] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':');
    if (id !== world.oauth2Client.clientId || secret !== world.oauth2Client.clientSecret) {
      return oauthError('unauthorized_client', 'Missing valid authorization header', 401);
    }
    clientId = id;
  }
  if (clientId !== world.oauth2Client.clientId) return oauthError('invalid_request', 'Missing required parameter [client_id].');
  if (form.grant_type !== 'refresh_token') {
    return oauthError('unsupported_grant_type', `Grant type [${String(form.grant_type)}] is not supported by the sandbox; use refresh_token.`);
  }
  if (typeof form.refresh_token !== 'string') return oauthError('invalid_request', 'Missing required parameter [refresh_token].');
  const account = world.refresh(form.refresh_token, now);
  if (!account) return oauthError('invalid_request', 'Value passed for the token was invalid.');
  return {
    status: 200,
    body: {
      token_type: 'bearer',
      expires_in: Math.round(world.tokenLifetimeMs / 1000),
      access_token: account.accessToken,
      scope: account.scope,
      refresh_token: account.refreshToken,
    },
  };
}
