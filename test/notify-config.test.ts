import { describe, expect, it } from 'vitest';
import { formatIssue, parseWorkerConfig } from '../src/config/load.ts';
import { secretValues } from '../src/config/worker.ts';

/** `web.notify` and `web.public_url` in the worker config: checked where they are written, secrets from the environment. */

const FILE = 'config/prospector.yaml';
const parse = (text: string, env: Record<string, string> = {}) => parseWorkerConfig(text, FILE, { env });
const messages = (text: string, env: Record<string, string> = {}) => parse(text, env).issues.map(formatIssue);

describe('web.notify', () => {
  it('reads webhooks with their URL and secret from the environment, and masks them like other secrets', () => {
    const env = { HOOK_TEAM: 'https://hooks.slack.com/services/T1/B2/abcdef', HOOK_MAYA: 'https://crm.example.com/hook', HOOK_MAYA_KEY: 'k3y-for-maya' };
    const { value, issues } = parse(
      'web:\n  public_url: https://prospector.example.com/\n  notify:\n    - url_env: HOOK_TEAM\n    - owner: maya\n      format: json\n      url_env: HOOK_MAYA\n      secret_env: HOOK_MAYA_KEY\n',
      env,
    );
    expect(issues).toEqual([]);
    const [team, maya] = value!.web.notify;
    expect([team!.owner, team!.format, team!.url?.reveal(), team!.secret]).toEqual(['all', 'slack', env.HOOK_TEAM, undefined]);
    expect([maya!.owner, maya!.format, maya!.url?.reveal(), maya!.secret?.reveal()]).toEqual(['maya', 'json', env.HOOK_MAYA, env.HOOK_MAYA_KEY]);
    expect(value!.web.public_url).toBe('https://prospector.example.com/');
    // Printed or serialised, a webhook shows its variable, never its URL.
    expect(JSON.stringify(value!.web.notify)).not.toContain('hooks.slack.com');
    expect(JSON.stringify(value!.web.notify)).toContain('[secret HOOK_TEAM]');
    expect(secretValues(value!)).toEqual(expect.arrayContaining(Object.values(env)));
  });

  it('refuses a webhook for an owner no account has', () => {
    expect(messages('web:\n  notify:\n    - owner: mya\n      url_env: HOOK\n', { HOOK: 'https://ok.example.com/h' })).toEqual([
      `${FILE}:3 web.notify[0].owner: no account is owned by "mya"; did you mean "maya"? (accounts' owners are maya, lucas, sofia; all for the team)`,
    ]);
  });

  it('has none by default', () => {
    expect(parse('').value!.web.notify).toEqual([]);
  });

  it('says what is wrong with file:line, never repeating a URL written where a variable name goes', () => {
    const url = 'https://hooks.slack.com/services/T1/B2/leaked';
    const got = messages(`web:\n  notify:\n    - url_env: ${url}\n`);
    expect(got).toEqual([`${FILE}:3 web.notify[0].url_env: expected the name of an environment variable that holds the webhook URL (e.g. PROSPECTOR_NOTIFY_MAYA), not the webhook URL itself`]);
    expect(got.join('\n')).not.toContain('leaked');
  });

  it('refuses a missing variable, a value that is not a URL, a duplicate, a secret for Slack, a bad format or public_url', () => {
    const text = [
      'web:',
      '  public_url: ftp://example.com',
      '  notify:',
      '    - url_env: HOOK_UNSET',
      '    - url_env: HOOK_NOT_A_URL',
      '    - url_env: HOOK_OK',
      '      secret_env: HOOK_KEY',
      '    - url_env: HOOK_OK',
      '      format: xml',
      '',
    ].join('\n');
    const got = messages(text, { HOOK_NOT_A_URL: 'javascript:alert(1)', HOOK_OK: 'https://ok.example.com/h', HOOK_KEY: 'key-value' });
    expect(got).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^config\/prospector\.yaml:2 web\.public_url: expected a URL such as https:\/\/prospector\.example\.com \(http: or https:\), got one that starts with ftp:/),
        `${FILE}:7 web.notify[2].secret_env: secret_env goes with format: json (Slack checks its own webhook URLs)`,
        expect.stringMatching(/^config\/prospector\.yaml:9 web\.notify\[3\]\.format: expected one of slack, json/),
      ]),
    );
    // Once each webhook is right: one per variable.
    const shaped = text.replace('ftp:', 'https:').replace('      secret_env: HOOK_KEY\n', '').replace('      format: xml\n', '');
    expect(messages(shaped, { HOOK_NOT_A_URL: 'https://x.example.com', HOOK_OK: 'https://ok.example.com/h' })).toEqual([`${FILE}:7 web.notify[3].url_env: HOOK_OK is already web.notify[2]: one webhook per variable`]);
    // Then the environment.
    const env = messages(shaped.replace(/ {4}- url_env: HOOK_OK\n$/, ''), { HOOK_NOT_A_URL: 'javascript:alert(1)', HOOK_OK: 'https://ok.example.com/h' });
    expect(env).toEqual([
      `${FILE}:4 web.notify[0].url_env: the environment variable HOOK_UNSET is not set`,
      expect.stringMatching(/^config\/prospector\.yaml:5 web\.notify\[1\]\.url_env: HOOK_NOT_A_URL: expected a URL such as https:\/\/hooks\.slack\.com\/services\/… \(http: or https:\), got one that starts with javascript:/),
    ]);
    expect(env.join('\n')).not.toContain('alert(1)');
  });
});
