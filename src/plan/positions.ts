// Where each value of a plan file was written, keyed by JSON pointer (the same paths ajv
// reports), so that every later error can point at FILE:LINE:COL.

import type { PlanError } from './errors';

export interface Pos {
  file: string;
  line: number;
  col: number;
  /** Where the key naming this value was written, when it is a mapping entry. */
  key?: { line: number; col: number };
}

/** What the later checks need of positions: a merged plan answers it without one big map. */
export interface PositionLookup {
  get(ptr: string): Pos | undefined;
}

/** A file's positions: a map (the reference reading) or answered from the events (yamlEvents.ts). */
export type Positions = PositionLookup;

export interface ParsedFile {
  data: unknown;
  positions: Positions;
  errors: PlanError[];
  /** The YAML itself is broken: what was read is unreliable, later checks would only add noise. */
  broken: boolean;
}

export function pointer(parent: string, key: string | number): string {
  const k = String(key);
  return k.includes('~') || k.includes('/') ? `${parent}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}` : `${parent}/${k}`;
}
