import type { Command } from 'commander';
import { UsageError } from './common.ts';

/**
 * `prospector web add-user <name>`: asks for a password (twice, not echoed, on a terminal; one
 * line from stdin otherwise) and prints the line to add under `web.users` in the worker config,
 * and the same for `PROSPECTOR_WEB_USERS`. The password itself is never printed nor stored.
 */

export interface WebCommandDeps {
  out?: (text: string) => void;
  /** Reads a password; default: the terminal without echo, else a line of stdin. */
  readPassword?: (prompt: string) => Promise<string>;
}

/** Shortest password accepted: a passphrase of a few words is easy to type and hard to guess. */
const MIN_PASSWORD = 12;

export function registerWebCommands(program: Command, deps: WebCommandDeps = {}): Command {
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const web = program.command('web').description('the review page on the worker\'s web port');
  web
    .command('add-user')
    .description('make a password hash for a person who may sign in, and print the config line to add')
    .argument('<name>', 'the name they sign in with (letters, digits, . _ -)')
    .action(async (name: string) => {
      const { hashPassword, USER_NAME } = await import('../web/auth.ts');
      if (!USER_NAME.test(name)) throw new UsageError(`the name may have letters, digits, . _ - (at most 40), got ${JSON.stringify(name.slice(0, 40))}`);
      const read = deps.readPassword ?? readPassword;
      const password = await read(`password for ${name}: `);
      if (password.length < MIN_PASSWORD) throw new UsageError(`the password has ${password.length} characters: use at least ${MIN_PASSWORD} (a few words are fine)`);
      if (process.stdin.isTTY && !deps.readPassword && (await read('again: ')) !== password) throw new UsageError('the two passwords differ: nothing was made');
      const hash = hashPassword(password);
      out(`Add under web.users in config/prospector.yaml:\n  - { name: ${name}, password_hash: "${hash}" }\nor to PROSPECTOR_WEB_USERS (comma-separated): ${name}:${hash}\n`);
    });
  return web;
}

/** A password from the terminal without echo, or one line of stdin when it is not a terminal. */
async function readPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += chunk;
    const line = text.split(/\r?\n/)[0] ?? '';
    if (line === '') throw new UsageError('no password on stdin: pipe it in, or run this in a terminal to type it');
    return line;
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            resolve(typed);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            reject(new UsageError('cancelled'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
          else typed += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
