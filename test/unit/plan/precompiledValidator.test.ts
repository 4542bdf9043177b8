// The validator `npm run build` writes as plain JavaScript (dist/plan/planValidator.js)
// judges every plan as ajv compiling the schema at run time does: same verdict, same
// errors (keyword, place, parameters, the schema part the messages read), on the
// reference plan and on a few thousand broken variants of it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { parse } from 'yaml';
import { planSchema } from '../../../src/plan/schema';
import { PRECOMPILED_VALIDATOR, validatorSource } from '../../../src/plan/schemaCheck';

const REPO = path.resolve(__dirname, '..', '..', '..');

let precompiled: ValidateFunction;
let runtime: ValidateFunction;
let dir: string;
beforeAll(async () => {
  // Inside the checkout, where the validator's one runtime import (ajv's) resolves, as in dist/.
  await fs.mkdir(path.join(REPO, 'node_modules', '.cache'), { recursive: true });
  dir = await fs.mkdtemp(path.join(REPO, 'node_modules', '.cache', 'accueil-validator-'));
  const file = path.join(dir, PRECOMPILED_VALIDATOR);
  await fs.writeFile(file, validatorSource());
  precompiled = require(file) as ValidateFunction;
  runtime = new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true }).compile(planSchema);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every variant of `data` with one value replaced by a wrong one, one key removed or one unknown key added. */
function* variants(data: Json): Generator<Json> {
  const wrongs: Json[] = [42, 'x', [], {}, { unknown_key: 1 }, null, true, -1, ''];
  function* at(v: Json, rebuild: (x: Json | undefined) => Json): Generator<Json> {
    for (const w of wrongs) yield rebuild(w);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        yield* at(v[i]!, (x) => rebuild(x === undefined ? v.filter((_, j) => j !== i) : v.map((y, j) => (j === i ? x : y))));
      }
    } else if (v !== null && typeof v === 'object') {
      yield rebuild({ ...v, colour: 'blue' });
      for (const k of Object.keys(v)) {
        yield* at(v[k]!, (x) => {
          const copy = { ...v };
          if (x === undefined) delete copy[k];
          else copy[k] = x;
          return rebuild(copy);
        });
      }
    }
  }
  yield data;
  yield* at(data, (x) => (x === undefined ? {} : x));
}

const judged = (validate: ValidateFunction, data: unknown): unknown => (validate(data) ? 'valid' : validate.errors);

it.each(['config/plan.yaml', 'examples/company.yaml'])('%s and its broken variants: the same errors from both validators', async (rel) => {
  const data = parse(await fs.readFile(path.join(REPO, rel), 'utf8')) as Json;
  let cases = 0;
  let refused = 0;
  for (const v of variants(data)) {
    const expected = judged(runtime, v);
    expect(judged(precompiled, v)).toEqual(expected);
    cases++;
    if (expected !== 'valid') refused++;
  }
  // The variants reach the schema's refusals, not only valid plans.
  expect(cases).toBeGreaterThan(1000);
  expect(refused).toBeGreaterThan(cases / 2);
});
