// Reading plans from disk: folders merged, names defined twice, files that are not plans.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatError, loadPlan } from '../../../src/plan';
import { BASE } from './helpers';

let dir: string;
let soundsDir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'accueil-plan-'));
  soundsDir = path.join(dir, 'sounds');
  await fs.mkdir(path.join(soundsDir, 'fr'), { recursive: true });
  for (const s of ['bienvenue.wav', 'ferme.gsm', 'attente.wav', 'messagerie.alaw', 'fr/bonjour.wav', 'notes.txt']) {
    await fs.writeFile(path.join(soundsDir, s), 'x');
  }
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const write = (name: string, text: string | Buffer): Promise<void> => fs.writeFile(path.join(dir, name), text);
const lines = async (p: string): Promise<string[]> => {
  const r = await loadPlan(p, { soundsDir });
  return r.ok ? [] : r.errors.map(formatError);
};

describe('one file', () => {
  it('loads, with a version that is a short hash of the contents', async () => {
    await write('plan.yaml', BASE);
    const r = await loadPlan(path.join(dir, 'plan.yaml'), { soundsDir });
    if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
    expect(r.plan.version).toMatch(/^[0-9a-f]{12}$/);
    expect(r.files).toEqual([path.join(dir, 'plan.yaml')]);
    expect(r.plan.announcements.ferme!.sounds).toEqual([{ media: 'accueil/ferme', name: 'ferme' }]);
    await write('plan.yaml', BASE.replace('max_wait: 30s', 'max_wait: 40s'));
    const r2 = await loadPlan(path.join(dir, 'plan.yaml'), { soundsDir });
    expect(r2.ok && r2.plan.version).not.toBe(r.plan.version);
  });

  it('refuses an empty file', async () => {
    await write('plan.yaml', '');
    expect(await lines(path.join(dir, 'plan.yaml'))).toEqual([`${path.join(dir, 'plan.yaml')}: the file is empty; expected a plan (timezone, lines, numbers, …)`]);
    await write('plan.yaml', '# only a comment\n');
    expect(await lines(path.join(dir, 'plan.yaml'))).toEqual([`${path.join(dir, 'plan.yaml')}: the file holds only comments; expected a plan (timezone, lines, numbers, …)`]);
  });

  it('refuses a binary file', async () => {
    await write('plan.yaml', Buffer.from([0x52, 0x49, 0x46, 0x46, 0x00, 0x01, 0xff]));
    expect(await lines(path.join(dir, 'plan.yaml'))).toEqual([`${path.join(dir, 'plan.yaml')}: not a text file (binary content at byte 4); expected a YAML plan`]);
    await write('plan.yaml', Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe]));
    expect(await lines(path.join(dir, 'plan.yaml'))).toEqual([`${path.join(dir, 'plan.yaml')}: not a UTF-8 text file; expected a YAML plan saved as UTF-8`]);
  });

  it('refuses a 50 MB file without reading it', async () => {
    const big = path.join(dir, 'plan.yaml');
    await fs.writeFile(big, '');
    await fs.truncate(big, 50 * 1024 * 1024); // sparse: nothing is written
    expect(await lines(big)).toEqual([`${big}: the file is too large (50.0 MB); expected a plan of at most 5 MB`]);
  });

  it('refuses a path that does not exist, and a top level that is not a mapping', async () => {
    expect(await lines(path.join(dir, 'nope.yaml'))).toEqual([`${path.join(dir, 'nope.yaml')}: no such file or folder; expected a plan file (.yaml) or a folder of them`]);
    await write('plan.yaml', '- a\n- b\n');
    expect(await lines(path.join(dir, 'plan.yaml'))).toEqual([
      `${path.join(dir, 'plan.yaml')}:1:1: the plan: found a list, expected a mapping of sections (timezone:, lines:, numbers:, …)`,
    ]);
  });

  it('checks sounds against the real folder, subfolders included, and says when the folder is missing', async () => {
    await write('plan.yaml', BASE.replace('greeting: bienvenue', 'greeting: fr/bonjour'));
    expect(await lines(path.join(dir, 'plan.yaml'))).toEqual([]);
    await write('plan.yaml', BASE.replace('greeting: bienvenue', 'greeting: notes'));
    expect((await lines(path.join(dir, 'plan.yaml')))[0]).toMatch(/:8:15: .*sound "notes" not found/);
    const r = await loadPlan(path.join(dir, 'plan.yaml'), { soundsDir: path.join(dir, 'nowhere') });
    expect(!r.ok && r.errors.map(formatError)).toContain(
      `${path.join(dir, 'plan.yaml')}:8:15: numbers["+33 1 42 00 00 01"].greeting: sound "notes" not found: the sounds folder "${path.join(dir, 'nowhere')}" does not exist`,
    );
  });
});

describe('a folder', () => {
  const COMMON = 'timezone: Europe/Paris\nlines:\n  secretariat: { endpoint: PJSIP/secretariat }\n';
  const DOCTOR = (n: number, name: string): string => `lines:
  ${name}: { endpoint: PJSIP/${name} }
numbers:
  "01 42 00 00 0${n}":
    name: Dr ${name}
    greeting: bienvenue
    open: { group: ${name} }
groups:
  ${name}:
    lines: [secretariat]
    overflow: { line: ${name}, then: { voicemail: ${name} } }
voicemail:
  ${name}: {}
`;

  it('merges its files by section, ignoring editor backups', async () => {
    await write('00-common.yaml', COMMON);
    await write('martin.yaml', DOCTOR(1, 'martin'));
    await write('durand.yml', DOCTOR(2, 'durand'));
    await write('.durand.yml.swp', 'garbage');
    await write('#martin.yaml#', 'garbage');
    await write('README.txt', 'not a plan');
    const r = await loadPlan(dir, { soundsDir });
    if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
    expect(r.files.map((f) => path.basename(f))).toEqual(['00-common.yaml', 'durand.yml', 'martin.yaml']);
    expect(Object.keys(r.plan.numbers).sort()).toEqual(['+33142000001', '+33142000002']);
    expect(Object.keys(r.plan.lines).sort()).toEqual(['durand', 'martin', 'secretariat']);
    expect(r.plan.groups.martin!.lines).toEqual(['secretariat']);
  });

  it('reports errors in the file where they are', async () => {
    await write('00-common.yaml', COMMON);
    await write('martin.yaml', DOCTOR(1, 'martin').replace('lines: [secretariat]', 'lines: [secretariot]'));
    expect(await lines(dir)).toEqual([
      `${path.join(dir, 'martin.yaml')}:10:13: groups.martin.lines[1]: unknown line "secretariot" (did you mean "secretariat"?); expected one of the lines defined: secretariat, martin`,
    ]);
  });

  it('names both places of a name defined twice', async () => {
    await write('00-common.yaml', COMMON);
    await write('martin.yaml', DOCTOR(1, 'martin'));
    await write('other.yaml', 'lines:\n  secretariat: { endpoint: PJSIP/other }\ntimezone: Europe/Paris\n');
    expect(await lines(dir)).toEqual([
      `${path.join(dir, 'other.yaml')}:2:3: lines: "secretariat" is defined twice, here and at ${path.join(dir, '00-common.yaml')}:3:3; expected each name once`,
      `${path.join(dir, 'other.yaml')}:3:1: timezone: defined twice, here and at ${path.join(dir, '00-common.yaml')}:1:1; expected it once`,
    ]);
  });

  it('catches the same number written differently in two files', async () => {
    await write('00-common.yaml', COMMON);
    await write('martin.yaml', DOCTOR(1, 'martin'));
    await write('zz.yaml', 'numbers:\n  "+33 1 42 00 00 01":\n    name: Doublon\n    open: { voicemail: martin }\n');
    expect(await lines(dir)).toEqual([
      `${path.join(dir, 'zz.yaml')}:2:3: numbers["+33 1 42 00 00 01"]: "+33 1 42 00 00 01" is the same number (+33142000001) as "01 42 00 00 01" at ${path.join(dir, 'martin.yaml')}:4:3; expected each number once`,
    ]);
  });

  it('refuses a folder without plan files', async () => {
    expect(await lines(soundsDir)).toEqual([`${soundsDir}: the folder holds no .yaml or .yml file; expected the plan's files`]);
  });
});
