// A plan written as several files: sections merged by name; a name (or a top-level
// setting) defined in two places is an error that names both.

import type { PlanError } from './errors';
import type { Pos, PositionLookup, Positions } from './yamlTree';
import { pointer } from './yamlTree';

export const SECTIONS = ['lines', 'calendars', 'numbers', 'groups', 'menus', 'voicemail', 'announcements'];

export interface FileData {
  file: string;
  data: unknown;
  positions: Positions;
}

const where = (p: Pos | undefined, file: string): string => {
  const at = p?.key ?? p;
  return at ? `${file}:${at.line}:${at.col}` : file;
};

/**
 * Where a value of the merged plan was written: in the file that owns its section entry
 * (numbers."01 42…") or its top-level setting. Looked up through that file's own
 * positions rather than copied into one map (a plan of 10,000 numbers has 250,000).
 */
class MergedPositions implements PositionLookup {
  constructor(private readonly owner: Map<string, FileData>, private readonly root: Pos | undefined) {}

  get(ptr: string): Pos | undefined {
    if (ptr === '') return this.root;
    const second = ptr.indexOf('/', 1);
    if (second >= 0) {
      const third = ptr.indexOf('/', second + 1);
      const entryOwner = this.owner.get(third < 0 ? ptr : ptr.slice(0, third));
      if (entryOwner) return entryOwner.positions.get(ptr);
    }
    return this.owner.get(second < 0 ? ptr : ptr.slice(0, second))?.positions.get(ptr);
  }
}

export function mergeFiles(files: FileData[]): { data: Record<string, unknown>; positions: PositionLookup; errors: PlanError[] } {
  const data: Record<string, unknown> = {};
  let root: Pos | undefined;
  const errors: PlanError[] = [];
  const only = files[0];
  if (files.length === 1 && only && typeof only.data === 'object' && only.data !== null && !Array.isArray(only.data)) {
    return { data: only.data as Record<string, unknown>, positions: only.positions, errors }; // nothing to merge
  }
  const owner = new Map<string, FileData>(); // pointer of a merged entry → the file it came from

  for (const f of files) {
    if (typeof f.data !== 'object' || f.data === null || Array.isArray(f.data)) continue; // reported by the loader
    root ??= f.positions.get('') ?? { file: f.file, line: 1, col: 1 };
    for (const [key, value] of Object.entries(f.data as Record<string, unknown>)) {
      const isSection = SECTIONS.includes(key) && typeof value === 'object' && value !== null && !Array.isArray(value);
      if (!isSection) {
        const ptr = pointer('', key);
        const prev = owner.get(ptr);
        if (prev) {
          const here = f.positions.get(ptr);
          errors.push({
            file: f.file, line: here?.key?.line ?? 1, col: here?.key?.col ?? 1,
            message: `${key}: defined twice, here and at ${where(prev.positions.get(ptr), prev.file)}; expected it once`,
          });
          continue;
        }
        owner.set(ptr, f);
        data[key] = value;
        continue;
      }
      const sectionPtr = pointer('', key);
      if (!owner.has(sectionPtr)) owner.set(sectionPtr, f);
      const target = (data[key] ??= {}) as Record<string, unknown>;
      if (typeof target !== 'object' || Array.isArray(target)) continue;
      for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
        const ptr = pointer(sectionPtr, name);
        if (name === '__proto__') {
          // JavaScript gives this name a meaning of its own: a merged section would lose the definition.
          const here = f.positions.get(ptr);
          errors.push({ file: f.file, line: here?.key?.line ?? 1, col: here?.key?.col ?? 1, message: `${key}.__proto__: "__proto__" cannot be a name; expected another name` });
          continue;
        }
        const prev = owner.get(ptr);
        if (prev) {
          const here = f.positions.get(ptr);
          errors.push({
            file: f.file, line: here?.key?.line ?? 1, col: here?.key?.col ?? 1,
            message: `${key}: "${name}" is defined twice, here and at ${where(prev.positions.get(ptr), prev.file)}; expected each name once`,
          });
          continue;
        }
        owner.set(ptr, f);
        target[name] = entry;
      }
    }
  }
  return { data, positions: new MergedPositions(owner, root), errors };
}
