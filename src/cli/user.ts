// `accueil user add|passwd|remove NAME [--role manager|admin] [--numbers N,…]`: the
// accounts of the manager's page, in ACCUEIL_USERS_FILE. The password is read from
// the terminal (typed twice, not shown) or, when piped, from the first line of stdin.

import * as readline from 'node:readline';
import { normaliseNumber } from '../plan/numbers';
import { hashPassword, NAME, readAccounts, ROLES, usersFile, writeAccounts, type Account, type Role } from '../web/users';
import { flag, readFlags, UsageError } from './args';

const USAGE = [
  'usage: accueil user add NAME [--role manager|admin] [--numbers "+33 1 42 00 00 01,…"]',
  '       accueil user passwd NAME',
  '       accueil user remove NAME',
  '       accueil user list',
  '  (accounts in $ACCUEIL_USERS_FILE; a manager without --numbers looks after every number)',
].join('\n');

export const MIN_PASSWORD = 10;

async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const rl = readline.createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return '';
  }
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    out._writeToOutput = (s: string) => {
      if (s.startsWith(prompt)) process.stderr.write(prompt);
    };
  });
}

async function newPassword(): Promise<string | { error: string }> {
  const first = await readPassword('Mot de passe : ');
  if (process.stdin.isTTY) {
    const again = await readPassword('Encore une fois : ');
    if (again !== first) return { error: 'the two passwords differ' };
  }
  if (first.length < MIN_PASSWORD) return { error: `the password is too short (at least ${MIN_PASSWORD} characters)` };
  return first;
}

function fail(message: string, code = 2): number {
  process.stderr.write(`accueil user: ${message}\n${code === 2 ? USAGE + '\n' : ''}`);
  return code;
}

export default async function user(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (!sub || !['add', 'passwd', 'remove', 'list'].includes(sub)) return fail(sub ? `unknown subcommand "${sub}"` : 'a subcommand is needed');
  let args;
  try {
    args = readFlags(rest, { values: sub === 'add' ? ['role', 'numbers'] : [] });
  } catch (err) {
    if (err instanceof UsageError) return fail(err.message);
    throw err;
  }
  const file = usersFile();
  if (typeof file !== 'string') return fail(file.error, 1);
  const accounts = await readAccounts(file);
  if (sub === 'list') {
    process.stdout.write(accounts.length ? accounts.map((a) => `${a.name}  ${a.role}${a.numbers ? `  ${a.numbers.join(', ')}` : ''}`).join('\n') + '\n' : 'no accounts\n');
    return 0;
  }
  const [name, extra] = args.positional;
  if (!name) return fail(`${sub} needs a NAME`);
  if (extra !== undefined) return fail(`unexpected argument "${extra}"`);
  if (!NAME.test(name)) return fail(`"${name}" is not a valid name (lower-case letters, digits, . _ -; at most 32)`);
  const existing = accounts.find((a) => a.name === name);

  if (sub === 'remove') {
    if (!existing) return fail(`no account "${name}" in ${file}`, 1);
    await writeAccounts(file, accounts.filter((a) => a.name !== name));
    process.stdout.write(`${name}: removed\n`);
    return 0;
  }
  if (sub === 'add' && existing) return fail(`the account "${name}" exists already (accueil user passwd ${name} changes its password)`, 1);
  if (sub === 'passwd' && !existing) return fail(`no account "${name}" in ${file}`, 1);
  const role = (flag(args, 'role') ?? existing?.role ?? 'manager') as Role;
  if (!ROLES.includes(role)) return fail(`--role "${role}": expected manager or admin`);
  let numbers: string[] | undefined;
  const written = flag(args, 'numbers');
  if (written !== undefined) {
    numbers = [];
    for (const n of written.split(',').map((x) => x.trim()).filter(Boolean)) {
      const e164 = normaliseNumber(n, 'FR');
      if (!e164) return fail(`--numbers: "${n}" is not a phone number`);
      numbers.push(e164);
    }
  }
  const password = await newPassword();
  if (typeof password !== 'string') return fail(password.error, 1);
  const account: Account = { name, role, hash: await hashPassword(password), ...(numbers ? { numbers } : existing?.numbers ? { numbers: existing.numbers } : {}) };
  await writeAccounts(file, [...accounts.filter((a) => a.name !== name), account]);
  process.stdout.write(`${name}: ${sub === 'add' ? `added (${role})` : 'password changed'}\n`);
  return 0;
}
