// Structural validation of one file's data against the JSON Schema, with ajv's
// errors turned into one-line messages at the YAML positions.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { planSchema } from './schema';
import type { PlanError } from './errors';
import type { Positions } from './yamlTree';
import { describe, fieldName, splitPointer } from './paths';
import { closest, didYouMean } from './suggest';

const AJV_OPTIONS = { allErrors: true, verbose: true, allowUnionTypes: true, strict: true };

/**
 * The validator as JavaScript, written by `npm run build` beside the compiled module:
 * requiring it takes 5 ms where loading ajv and compiling the schema takes about 150
 * (most of `accueil check`'s own work on a small plan). From the sources (tsx, the
 * tests) there is no such file and ajv compiles the schema, as before.
 */
export const PRECOMPILED_VALIDATOR = 'planValidator.js';

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (compiled) return compiled;
  const precompiled = path.join(__dirname, PRECOMPILED_VALIDATOR);
  compiled = fs.existsSync(precompiled) ? (require(precompiled) as ValidateFunction) : compileValidator();
  return compiled;
}

function compileValidator(): ValidateFunction {
  // Required here, not imported: a start with the precompiled validator never loads ajv's compiler.
  const { default: Ajv2020 } = require('ajv/dist/2020') as typeof import('ajv/dist/2020');
  return new Ajv2020(AJV_OPTIONS).compile(planSchema);
}

/** The source of the precompiled validator (CommonJS), for the build. */
export function validatorSource(): string {
  const { default: Ajv2020 } = require('ajv/dist/2020') as typeof import('ajv/dist/2020');
  const { default: standaloneCode } = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone');
  const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true } });
  return standaloneCode(ajv, ajv.compile(planSchema));
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a text',
  object: 'a mapping (key: value)',
  array: 'a list',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
};

function expected(e: ErrorObject): string {
  const s = (e.parentSchema ?? {}) as { title?: string; examples?: unknown[] };
  const types = ([] as string[]).concat((e.params as { type?: string | string[] }).type ?? []);
  const noun = s.title ?? types.map((t) => TYPE_NAMES[t] ?? t).join(' or ');
  const ex = s.examples?.[0];
  return ex === undefined ? noun : `${noun} such as ${typeof ex === 'string' ? JSON.stringify(ex) : JSON.stringify(ex).replace(/"/g, '')}`;
}

export function checkSchema(file: string, data: unknown, positions: Positions): PlanError[] {
  const validate = validator();
  if (validate(data)) return [];
  const out: PlanError[] = [];
  const errs = validate.errors ?? [];
  // A type error makes the other complaints about the same value noise.
  const typeErrorAt = new Set(errs.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  for (const e of errs) {
    const ptr = e.instancePath;
    const pos = positions.get(ptr) ?? { file, line: 1, col: 1 };
    const field = fieldName(ptr, data);
    const push = (message: string, where: { line: number; col: number } = pos): void => {
      out.push({ file, line: where.line, col: where.col, message });
    };
    switch (e.keyword) {
      // Patterns (times, durations, dates) are re-checked by build.ts with precise messages;
      // `if` only summarises the `then` error below it.
      case 'pattern':
      case 'if':
        break;
      case 'type':
        push(`${field}: found ${describe(e.data)}, expected ${expected(e)}`);
        break;
      case 'additionalProperties': {
        if (typeErrorAt.has(ptr)) break;
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        const keyPtr = `${ptr}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        const kp = positions.get(keyPtr);
        const known = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
        const hint = closest(key, known);
        const where = ptr === '' ? 'the plan' : field;
        push(
          `${where}: unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${known.join(', ')}`,
          kp?.key ?? kp ?? pos,
        );
        break;
      }
      case 'required': {
        if (typeErrorAt.has(ptr)) break;
        const missing = (e.params as { missingProperty: string }).missingProperty;
        push(`${field}: missing "${missing}"`, pos.key ?? pos);
        break;
      }
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
        push(`${field}: found ${describe(e.data)}, expected one of ${allowed.join(', ')}${typeof e.data === 'string' ? didYouMean(e.data, allowed) : ''}`);
        break;
      }
      case 'const': {
        const allowed = (e.params as { allowedValue: unknown }).allowedValue;
        // The only `const` on a string is a destination's "hangup": say what else is possible.
        const alt = allowed === 'hangup' ? ' or a destination such as {group: name}' : '';
        push(`${field}: found ${describe(e.data)}, expected ${describe(allowed)}${alt}`);
        break;
      }
      case 'dependentRequired': {
        const p = e.params as { property: string; missingProperty: string };
        push(`${field}: "${p.property}" is only meaningful with "${p.missingProperty}", which is missing`, positions.get(`${ptr}/${p.property}`)?.key ?? pos);
        break;
      }
      case 'minItems':
        push(`${field}: found an empty list, expected at least ${(e.params as { limit: number }).limit} item(s)`);
        break;
      case 'minProperties':
        push(`${field}: found an empty mapping, expected at least ${(e.params as { limit: number }).limit} entry`);
        break;
      case 'minLength':
        push(`${field}: found an empty text, expected ${expected(e)}`);
        break;
      case 'minimum':
      case 'maximum':
        push(`${field}: found ${describe(e.data)}, expected a number ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${(e.params as { limit: number }).limit}`);
        break;
      default:
        push(`${field}: found ${describe(e.data)}, ${e.message ?? 'invalid'}`);
    }
  }
  return out;
}

export { splitPointer };
