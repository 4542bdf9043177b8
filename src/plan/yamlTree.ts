// YAML text → plain data + the position of every value and key, keyed by JSON pointer
// (the same paths ajv reports), so that every later error can point at FILE:LINE:COL.
// The only module (with load.ts' callers) that knows the `yaml` package.

import { LineCounter, parseDocument, isAlias, isMap, isScalar, isSeq, isPair, type Node, type Document } from 'yaml';
import type { PlanError } from './errors';

export interface Pos {
  file: string;
  line: number;
  col: number;
  /** Where the key naming this value was written, when it is a mapping entry. */
  key?: { line: number; col: number };
}

export type Positions = Map<string, Pos>;

export interface ParsedFile {
  data: unknown;
  positions: Positions;
  errors: PlanError[];
  /** The YAML itself is broken: what was read is unreliable, later checks would only add noise. */
  broken: boolean;
}

const MAX_SYNTAX_ERRORS = 5;

export function pointer(parent: string, key: string | number): string {
  return `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

export function parseYaml(file: string, text: string): ParsedFile {
  const lc = new LineCounter();
  const errors: PlanError[] = [];
  const positions: Positions = new Map();
  const at = (offset: number): { line: number; col: number } => lc.linePos(offset);
  const doc: Document.Parsed = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false, strict: true });

  // One error per line, and a few at most: after a real mistake the parser reports every
  // following token as unexpected, which buries the one line that needs fixing.
  const seenLines = new Set<number>();
  const syntax = [...doc.errors, ...doc.warnings].map((e) => ({ e, p: at(e.pos[0]) })).filter(({ p }) => {
    if (seenLines.has(p.line)) return false;
    seenLines.add(p.line);
    return true;
  });
  for (const { e, p } of syntax.slice(0, MAX_SYNTAX_ERRORS)) {
    errors.push({ file, ...p, message: `YAML syntax: ${yamlMessage(e.code, e.message)}` });
  }
  const more = syntax[MAX_SYNTAX_ERRORS];
  if (more) {
    const n = syntax.length - MAX_SYNTAX_ERRORS;
    errors.push({ file, ...more.p, message: `YAML syntax: ${n} more error${n === 1 ? '' : 's'} from here on, probably caused by the ones above; fix those first` });
  }
  const broken = doc.errors.length > 0;

  // Aliases are resolved by hand so that a recursive one (`&a {then: *a}`) is an error, not a hang.
  const resolving = new Set<Node>();
  const convert = (node: unknown, path: string, keyPos?: { line: number; col: number }): unknown => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      const p = at(node.range?.[0] ?? 0);
      if (!target) {
        errors.push({ file, ...p, message: `YAML: unknown alias "*${node.source}"` });
        return undefined;
      }
      if (resolving.has(target)) {
        errors.push({ file, ...p, message: `YAML: alias "*${node.source}" refers to itself (a loop), expected a finished value` });
        return undefined;
      }
      resolving.add(target);
      const v = convert(target, path, keyPos);
      resolving.delete(target);
      // Errors about the value should point at the alias, where the user used it.
      positions.set(path, { file, ...p, ...(keyPos ? { key: keyPos } : {}) });
      return v;
    }
    const n = node as Node | null | undefined;
    const start = n?.range ? at(n.range[0]) : keyPos ?? { line: 1, col: 1 };
    positions.set(path, { file, ...start, ...(keyPos ? { key: keyPos } : {}) });
    if (isMap(n)) {
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      const seen = new Map<string, { line: number; col: number }>();
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const k = pair.key as Node | null;
        const kp = k?.range ? at(k.range[0]) : start;
        if (!isScalar(k)) {
          errors.push({ file, ...kp, message: 'YAML: a key must be a plain name, found a list or mapping as key' });
          continue;
        }
        // Keys are names: keep what was written ("0142000001", not the number 142000001).
        const name = typeof k.value === 'string' ? k.value : typeof k.source === 'string' ? k.source : String(k.value);
        const first = seen.get(name);
        if (first) {
          errors.push({ file, ...kp, message: `duplicate key "${name}" (already defined at line ${first.line}, column ${first.col}); expected each key once` });
          continue;
        }
        seen.set(name, kp);
        out[name] = convert(pair.value, pointer(path, name), kp);
      }
      return out;
    }
    if (isSeq(n)) return n.items.map((item, i) => convert(item, pointer(path, i)));
    if (isScalar(n)) return n.value;
    return null; // an empty value: `key:` with nothing after it
  };

  const data = doc.contents ? convert(doc.contents, '') : undefined;
  return { data, positions, errors, broken };
}

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0] ?? message;
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'a tab is used for indentation, expected spaces';
    case 'MULTIPLE_DOCS':
      return 'the file holds several documents ("---"), expected one plan per file';
    default:
      return first.replace(/ at line \d+, column \d+.*$/, '');
  }
}
