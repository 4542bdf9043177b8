// What a test started and did not stop — it failed, or jest's timeout abandoned it
// before its `finally` ran — is stopped after it (test/e2e/setup.ts), so the next
// test finds the phones' ports free instead of an old SIPp answering in its place.
// What a file starts outside its tests (beforeAll) lives until the file's end.

export interface Stoppable {
  readonly label: string;
  running(): boolean;
  stop(): Promise<unknown>;
}

type Scope = 'test' | 'file';

const live = new Map<Stoppable, Scope>();
let scope: Scope = 'file';

/** Called by the harness when it starts a process. */
export function started(process: Stoppable): void {
  live.set(process, scope);
}

/** setup.ts: a test begins (its beforeEach hooks included). */
export function testBegins(): void {
  scope = 'test';
}

/** setup.ts: stops what is still running from `ended` (a test, or the whole file); returns their labels. */
export async function stopLeftovers(ended: Scope): Promise<string[]> {
  if (ended === 'test') scope = 'file';
  const left = [...live].filter(([p, s]) => (ended === 'file' || s === 'test') && p.running()).map(([p]) => p);
  for (const [p, s] of [...live]) if (ended === 'file' || s === 'test') live.delete(p);
  await Promise.all(left.map((p) => p.stop().catch(() => undefined)));
  return left.map((p) => p.label);
}
