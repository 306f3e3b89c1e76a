import type { Sandbox } from './server.ts';

/** The sandbox accounts and their tokens as a table a person can copy from. */
export function accountsTable(sandbox: Sandbox): string {
  const { world } = sandbox;
  const rows = world.accounts.map((a) => [`@${a.user.username}`, a.user.id, a.owner, a.accessToken, a.refreshToken]);
  const header = ['account', 'user id', 'owner', 'OAuth2 access token', 'refresh token'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [
    line(header),
    ...rows.map(line),
    '',
    `app-only Bearer token: ${world.appBearerToken}`,
    `OAuth2 client id: ${world.oauth2Client.clientId}   client secret: ${world.oauth2Client.clientSecret}`,
  ].join('\n');
}
