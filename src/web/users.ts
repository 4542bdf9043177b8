// The accounts of the manager's page: a JSON file outside the repository
// (ACCUEIL_USERS_FILE), written by `accueil user add|passwd|remove`. Passwords are
// kept as scrypt hashes (node:crypto: no native addon to build), never in clear.

import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

export type Role = 'manager' | 'admin';
export const ROLES: readonly Role[] = ['manager', 'admin'];

export interface Account {
  name: string;
  role: Role;
  /** "scrypt$N$r$p$salt$hash" (base64). */
  hash: string;
  /** The public numbers (E.164) a manager looks after; absent = all of them. */
  numbers?: string[];
}

// N=2^15 takes ~100 ms here: slow enough against guessing, quick enough for a login.
const COST = { N: 1 << 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const MAXMEM = 64 * 1024 * 1024;

export async function hashPassword(password: string, cost = COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_BYTES, { ...cost, maxmem: MAXMEM });
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const got = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: MAXMEM });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export const NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/** The users file's path, or why there is none. */
export function usersFile(env: NodeJS.ProcessEnv = process.env): string | { error: string } {
  const file = env.ACCUEIL_USERS_FILE;
  if (!file) return { error: 'ACCUEIL_USERS_FILE is not set: the page needs accounts (accueil user add NAME --role manager|admin, with ACCUEIL_USERS_FILE=/etc/accueil/users.json)' };
  return path.resolve(file);
}

export async function readAccounts(file: string): Promise<Account[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const data = JSON.parse(text) as { users?: Account[] };
  if (!Array.isArray(data.users)) throw new Error(`${file}: expected { "users": [ … ] }`);
  return data.users;
}

/** Written mode 0600 by temporary file + rename: the hashes are for the daemon's eyes only. */
export async function writeAccounts(file: string, accounts: Account[]): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, JSON.stringify({ users: accounts }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  await fs.rename(tmp, file);
}

/** The accounts, read again only when the file changed: a removed account or a new password ends its sessions at the next request. */
export class AccountsCache {
  private mtimeMs = -1;
  private accounts: Account[] = [];

  constructor(private readonly file: string) {}

  async all(): Promise<Account[]> {
    const mtimeMs = await fs.stat(this.file).then((s) => s.mtimeMs, () => 0);
    if (mtimeMs !== this.mtimeMs) {
      this.accounts = await readAccounts(this.file);
      this.mtimeMs = mtimeMs;
    }
    return this.accounts;
  }

  async find(name: string): Promise<Account | undefined> {
    return (await this.all()).find((a) => a.name === name);
  }
}
