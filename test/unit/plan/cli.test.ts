// `accueil check` and `accueil schema`, run in-process with stdout/stderr captured.
import * as path from 'node:path';
import check from '../../../src/cli/check';
import schema from '../../../src/cli/schema';
import { planSchema } from '../../../src/plan';

const root = path.join(__dirname, '../../..');

async function run(fn: (argv: string[]) => Promise<number>, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return { code: await fn(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('accueil check', () => {
  it('exits 0 with a one-line summary for the reference plan', async () => {
    const r = await run(check, [path.join(root, 'config'), '--sounds', path.join(root, 'sounds')]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/config: ok — 3 numbers, 4 lines, 3 groups, 3 calendars, 0 menus, 3 voicemail boxes, \d+ announcements \(version [0-9a-f]{12}\)\n$/);
  });
  it('takes the sounds folder from ACCUEIL_SOUNDS', async () => {
    process.env.ACCUEIL_SOUNDS = path.join(root, 'sounds');
    try {
      expect((await run(check, [path.join(root, 'examples/company.yaml')])).code).toBe(0);
    } finally {
      delete process.env.ACCUEIL_SOUNDS;
    }
  });
  it('exits 1 with FILE:LINE:COL lines on stderr', async () => {
    const r = await run(check, [path.join(root, 'config'), '--sounds', path.join(root, 'nowhere')]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    const lines = r.err.trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(l).toMatch(/^\S*config\/plan\.yaml:\d+:\d+: .+ not found: the sounds folder ".*nowhere" does not exist$/);
  });
  it('refuses a say: text the voice cannot say, at its FILE:LINE:COL (the texts are synthesised)', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-check-'));
    const file = path.join(dir, 'plan.yaml');
    fs.writeFileSync(file, 'lines:\n  a: { endpoint: PJSIP/a }\nnumbers:\n  "+33 1 42 00 00 01":\n    name: X\n    open: { line: a, then: { announcement: { say: "Rappelez ☎" }, then: hangup } }\n');
    try {
      const r = await run(check, [file, '--sounds', path.join(root, 'sounds')]);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`${file}:6:51: numbers["+33 1 42 00 00 01"].open.then.announcement.say: cannot be synthesised: the character "☎" (U+260E) cannot be spoken; expected letters, digits and punctuation\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('exits 2 on bad usage', async () => {
    expect((await run(check, [])).code).toBe(2);
    expect((await run(check, ['a', 'b'])).code).toBe(2);
  });
});

describe('accueil schema', () => {
  it('prints the JSON Schema', async () => {
    const r = await run(schema, []);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(planSchema);
  });
});
