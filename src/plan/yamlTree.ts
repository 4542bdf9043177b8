// YAML text → plain data + the position of every value and key, keyed by JSON pointer
// (the same paths ajv reports), so that every later error can point at FILE:LINE:COL.
// A plain file is read fast from js-yaml's events (yamlEvents.ts); anything else, and every
// broken file, by the `yaml` package's document model below, the reference reading.

import { LineCounter, parseDocument, isAlias, isMap, isScalar, isSeq, isPair, type Node, type Document } from 'yaml';
import type { PlanError } from './errors';
import { MAX_ALIAS_USES, MAX_DEPTH, MAX_NODES, findDeepNesting } from './limits';
import { pointer, type ParsedFile, type Pos } from './positions';
import { parseYamlEvents } from './yamlEvents';

export { pointer, type ParsedFile, type Pos, type PositionLookup, type Positions } from './positions';

const MAX_SYNTAX_ERRORS = 5;

const tooDeep = (file: string, p: { line: number; col: number }): ParsedFile => ({
  data: undefined,
  positions: new Map(),
  errors: [{ file, ...p, message: `YAML: nested more than ${MAX_DEPTH} levels deep; expected a plan of a few levels (sections, names, settings)` }],
  broken: true,
});

export function parseYaml(file: string, text: string): ParsedFile {
  return parseYamlEvents(file, text) ?? parseYamlDocument(file, text);
}

/** The reference reading, by the `yaml` package: every YAML error and every unusual form. */
export function parseYamlDocument(file: string, text: string): ParsedFile {
  const lc = new LineCounter();
  const errors: PlanError[] = [];
  const positions = new Map<string, Pos>();
  const at = (offset: number): { line: number; col: number } => lc.linePos(offset);
  // The parser recurses on nesting: refuse what would exhaust its stack before it starts.
  // (js-yaml's reading bounds its own depth, and leaves such a file to this one.)
  const deep = findDeepNesting(text);
  if (deep) return tooDeep(file, deep);
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false, strict: true });
  } catch (e) {
    if (e instanceof RangeError) return tooDeep(file, { line: 1, col: 1 });
    throw e;
  }

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
  // Every expansion is counted (values, alias uses, depth), so that a few lines of aliases
  // that expand to billions of values ("billion laughs") are refused, not expanded.
  const resolving = new Set<Node>();
  let nodes = 0;
  let aliasUses = 0;
  let limitHit = false;
  // Inside an expansion, a limit is reported at the alias the user wrote, not inside its target.
  let expandingFrom: { line: number; col: number } | undefined;
  const refuse = (n: unknown, message: string): undefined => {
    if (!limitHit) {
      const range = (n as Node | null)?.range;
      errors.push({ file, ...(expandingFrom ?? (range ? at(range[0]) : { line: 1, col: 1 })), message: `YAML: ${message}` });
    }
    limitHit = true;
    return undefined;
  };
  const convert = (node: unknown, path: string, keyPos?: { line: number; col: number }, depth = 0): unknown => {
    if (limitHit) return undefined;
    if (++nodes > MAX_NODES) return refuse(node, `more than ${MAX_NODES} values (after expanding aliases); expected a plan of at most about 20,000 numbers`);
    if (depth > MAX_DEPTH) return refuse(node, `nested more than ${MAX_DEPTH} levels deep (after expanding aliases); expected a plan of a few levels (sections, names, settings)`);
    if (isAlias(node)) {
      if (++aliasUses > MAX_ALIAS_USES) return refuse(node, `aliases are used more than ${MAX_ALIAS_USES} times (counting the aliases inside aliases); expected a few uses of "*name"`);
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
      const outermost = expandingFrom === undefined;
      if (outermost) expandingFrom = p;
      const v = convert(target, path, keyPos, depth);
      if (outermost) expandingFrom = undefined;
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
        out[name] = convert(pair.value, pointer(path, name), kp, depth + 1);
      }
      return out;
    }
    if (isSeq(n)) return n.items.map((item, i) => convert(item, pointer(path, i), undefined, depth + 1));
    if (isScalar(n)) return n.value;
    return null; // an empty value: `key:` with nothing after it
  };

  const data = doc.contents ? convert(doc.contents, '') : undefined;
  return limitHit ? { data: undefined, positions, errors, broken: true } : { data, positions, errors, broken };
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
