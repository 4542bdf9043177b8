// The published schema validates the shipped plans with a standard validator, and the
// copy committed for editors is up to date.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parseYaml } from '../../../src/plan/yamlTree';
import { loadPlan, planSchema, formatError } from '../../../src/plan';

const root = path.join(__dirname, '../../..');
const validate = new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(planSchema);

const plans = ['config/plan.yaml', 'examples/company.yaml'];

describe('the JSON Schema', () => {
  it.each(plans)('validates %s', async (file) => {
    // Parsed by the plan's own reader (only src/plan/ knows YAML), validated by plain ajv.
    const { data } = parseYaml(file, await fs.readFile(path.join(root, file), 'utf8'));
    expect(validate(data) ? [] : validate.errors).toEqual([]);
  });

  it('rejects an unknown key and a wrong type', () => {
    expect(validate({ groups: { g: { lines: ['a'], overflow: 'hangup', max_wiat: '3s' } } })).toBe(false);
    expect(validate({ numbers: { '01': { name: 1, open: 'hangup' } } })).toBe(false);
    expect(validate({ default: 'hangup' })).toBe(true);
  });

  it('is the one committed in config/plan.schema.json (regenerate: accueil schema > config/plan.schema.json)', async () => {
    const committed: unknown = JSON.parse(await fs.readFile(path.join(root, 'config/plan.schema.json'), 'utf8'));
    expect(committed).toEqual(planSchema);
  });
});

describe('the shipped plans', () => {
  it.each(['config/', 'config/plan.yaml', 'examples/company.yaml', 'examples/'])('%s passes the check', async (p) => {
    const r = await loadPlan(path.join(root, p), { soundsDir: path.join(root, 'sounds') });
    expect(r.ok ? [] : r.errors.map(formatError)).toEqual([]);
  });

  it('config/ is the reference case', async () => {
    const r = await loadPlan(path.join(root, 'config'), { soundsDir: path.join(root, 'sounds') });
    if (!r.ok) throw new Error('invalid');
    const martin = r.plan.numbers['+33142000001']!;
    expect(martin.greeting).toBe('bienvenue-dr-martin');
    expect(martin.open).toEqual({ kind: 'group', group: 'secretariat-martin' });
    expect(martin.closed).toEqual({ kind: 'announcement', announcement: 'ferme-dr-martin', then: { kind: 'voicemail', box: 'dr-martin' } });
    const g = r.plan.groups['secretariat-martin']!;
    expect(g).toMatchObject({ lines: ['secretariat'], ringTime: 20_000, maxWait: 30_000 });
    expect(g.overflow).toEqual({ kind: 'line', line: 'dr-martin', timeout: 20_000, then: { kind: 'voicemail', box: 'dr-martin' } });
    expect(r.plan.calendars['dr-martin']!.exceptions[0]).toMatchObject({ from: '2026-12-24', to: '2026-12-24' });
    expect(Object.keys(r.plan.numbers).sort()).toEqual(['+33142000001', '+33142000002', '+33142000003']);
  });
});
