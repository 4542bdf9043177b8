// Sessions (random ids kept in memory: a restart logs everyone out, which is fine
// for a page used a few minutes a day), the CSRF token of each session, and the
// login throttle. The clock is passed in so that the rules are tested without waiting.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from './users';

export interface Session {
  id: string;
  user: string;
  role: Role;
  numbers?: string[];
  /** The password hash the session was opened with: a new password ends it. */
  hash: string;
  csrf: string;
  expiresAt: number;
}

const token = (): string => randomBytes(24).toString('base64url');

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(private readonly now: () => number, private readonly idleMs = 8 * 3600_000) {}

  open(user: { name: string; role: Role; numbers?: string[]; hash?: string }): Session {
    const s: Session = { id: token(), user: user.name, role: user.role, ...(user.numbers ? { numbers: user.numbers } : {}), hash: user.hash ?? '', csrf: token(), expiresAt: this.now() + this.idleMs };
    this.byId.set(s.id, s);
    return s;
  }

  /** The live session of this id (its idle deadline pushed back), or undefined. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.byId.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.byId.delete(id);
      return undefined;
    }
    s.expiresAt = this.now() + this.idleMs;
    return s;
  }

  close(id: string | undefined): void {
    if (id) this.byId.delete(id);
  }

  /** Every session of a user ends (password changed or account removed). */
  closeUser(user: string): void {
    for (const [id, s] of this.byId) if (s.user === user) this.byId.delete(id);
  }
}

/** After this many failed logins in a row for a name (or from an address), each attempt waits. */
export const MAX_FAILURES = 10;
export const LOCK_MS = 60_000;

/** Counts failed logins per key (the account's name, the client's address). */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();

  constructor(private readonly now: () => number, private readonly max = MAX_FAILURES, private readonly lockMs = LOCK_MS) {}

  /** Milliseconds to wait before another attempt for any of these keys (0 = go ahead). */
  waitFor(keys: string[]): number {
    const now = this.now();
    return Math.max(0, ...keys.map((k) => (this.failures.get(k)?.lockedUntil ?? 0) - now));
  }

  failed(keys: string[]): void {
    for (const k of keys) {
      const f = this.failures.get(k) ?? { count: 0, lockedUntil: 0 };
      f.count++;
      if (f.count >= this.max) f.lockedUntil = this.now() + this.lockMs;
      this.failures.set(k, f);
    }
  }

  succeeded(keys: string[]): void {
    for (const k of keys) this.failures.delete(k);
  }
}
