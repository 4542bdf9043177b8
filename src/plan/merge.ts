// A plan written as several files: sections merged by name; a name (or a top-level
// setting) defined in two places is an error that names both.

import type { PlanError } from './errors';
import type { Pos, Positions } from './yamlTree';
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

export function mergeFiles(files: FileData[]): { data: Record<string, unknown>; positions: Positions; errors: PlanError[] } {
  const data: Record<string, unknown> = {};
  const positions: Positions = new Map();
  const errors: PlanError[] = [];
  const only = files[0];
  if (files.length === 1 && only && typeof only.data === 'object' && only.data !== null && !Array.isArray(only.data)) {
    return { data: only.data as Record<string, unknown>, positions: only.positions, errors }; // nothing to merge
  }
  const owner = new Map<string, FileData>(); // pointer of a merged entry → the file it came from

  for (const f of files) {
    if (typeof f.data !== 'object' || f.data === null || Array.isArray(f.data)) continue; // reported by the loader
    const root = positions.get('');
    if (!root) positions.set('', f.positions.get('') ?? { file: f.file, line: 1, col: 1 });
    const sectionsHere = new Set<string>();
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
      sectionsHere.add(key);
      if (!owner.has(sectionPtr)) owner.set(sectionPtr, f);
      const target = (data[key] ??= {}) as Record<string, unknown>;
      if (typeof target !== 'object' || Array.isArray(target)) continue;
      for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
        const ptr = pointer(sectionPtr, name);
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
    // Copy the positions of what this file contributed: its top-level settings, and the
    // section entries it owns with everything under them.
    for (const [ptr, pos] of f.positions) {
      const parts = ptr.split('/');
      if (parts.length < 2) continue;
      const top = parts.slice(0, 2).join('/');
      const mine = sectionsHere.has(parts[1] ?? '') && parts.length > 2 ? owner.get(parts.slice(0, 3).join('/')) === f : owner.get(top) === f;
      if (mine && !positions.has(ptr)) positions.set(ptr, pos);
    }
  }
  return { data, positions, errors };
}
