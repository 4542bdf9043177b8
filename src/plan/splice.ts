// Surgical edits of a YAML text: only the bytes of the value that changes are
// rewritten, so the administrator's comments, key order, alignment and blank
// lines stay exactly as they were. Each edit is checked against the same edit made
// through the `yaml` Document API; if the two disagree (an unusual layout), the
// Document API's rendering is used instead (comments and order kept, spacing
// normalised) — the data is right either way.

import { isMap, isPair, isScalar, isSeq, parseDocument, Scalar, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

export type EditPath = (string | number)[];

export type PlanEdit =
  /** Create or replace the value at `path` (its parent mapping must exist, or be creatable). */
  | { op: 'set'; path: EditPath; value: unknown }
  /** Remove a mapping key or a list item. */
  | { op: 'delete'; path: EditPath }
  /** Add an item at the end of the list at `path` (the list is created if missing). */
  | { op: 'append'; path: EditPath; value: unknown };

const LOCAL_DATE_TIME = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d$/;

/** One line of flow YAML: `{ state: closed, until: "2026-12-03 14:00" }`, `[08:30-12:30]`, `Congés`. */
export function flowText(value: unknown): string {
  const doc = parseDocument('null');
  doc.contents = doc.createNode(value) as never;
  quoteDateTimes(doc.contents as Node | null);
  return unpadLists(doc.toString({ collectionStyle: 'flow', lineWidth: 0, flowCollectionPadding: true }).trimEnd());
}

// As administrators write them: `{ a: 1, b: [x, y] }` (spaces inside braces, none inside brackets).
// A quoted value holding "[ " would be changed too: applyEdit's check then falls back to the Document API.
const unpadLists = (s: string): string => s.replace(/\[ /g, '[').replace(/ \]/g, ']');

// "2026-12-03 14:00" is written quoted, as in the documentation (a YAML 1.1 reader would take it for a timestamp).
function quoteDateTimes(node: Node | null): void {
  if (isScalar(node)) {
    if (typeof node.value === 'string' && LOCAL_DATE_TIME.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
  } else if (isMap(node) || isSeq(node)) {
    for (const item of node.items as unknown[]) {
      if (isPair(item)) quoteDateTimes(item.value as Node | null);
      else quoteDateTimes(item as Node | null);
    }
  }
}

const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;
const lineEnd = (text: string, offset: number): number => {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
};
const column = (text: string, offset: number): number => offset - lineStart(text, offset);

function nodeAt(doc: Document, path: EditPath): Node | undefined {
  const n = path.length === 0 ? doc.contents : doc.getIn(path, true);
  return (n ?? undefined) as Node | undefined;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === key) as Pair | undefined;
}

/** Where a node's own text ends: a block collection's range runs on over the newlines (and comments) after it. */
function contentEnd(text: string, node: Node): number {
  if ((isMap(node) || isSeq(node)) && !isFlow(node) && node.items.length > 0) {
    const lastItem = node.items[node.items.length - 1] as unknown;
    const inner = (isPair(lastItem) ? (lastItem.value ?? lastItem.key) : lastItem) as Node | null;
    if (inner?.range) return contentEnd(text, inner);
  }
  let end = node.range?.[1] ?? 0;
  while (end > 0 && /\s/.test(text[end - 1] ?? '')) end--;
  return end;
}

const isFlow = (n: Node): boolean => (isMap(n) || isSeq(n)) && Boolean((n as YAMLMap).flow);

/** The text with the edit applied by splicing, or undefined when this layout is not handled. */
function splice(text: string, doc: Document, edit: PlanEdit): string | undefined {
  const parentPath = edit.path.slice(0, -1);
  const last = edit.path[edit.path.length - 1];
  if (last === undefined) return undefined;
  const parent = nodeAt(doc, parentPath);
  const replace = (from: number, to: number, by: string): string => text.slice(0, from) + by + text.slice(to);

  if (edit.op === 'append') {
    const seq = nodeAt(doc, edit.path);
    if (seq === undefined) return splice(text, doc, { op: 'set', path: edit.path, value: [edit.value] });
    if (!isSeq(seq) || !seq.range) return undefined;
    const item = flowText(edit.value);
    if (seq.flow || seq.items.length === 0) {
      if (!seq.flow) return undefined;
      const close = text.lastIndexOf(']', seq.range[1] - 1);
      let at = close;
      while (text[at - 1] === ' ') at--;
      return seq.items.length === 0 ? replace(at, close, item) : replace(at, at, `, ${item}`);
    }
    const firstItem = seq.items[0] as Node;
    const lastItem = seq.items[seq.items.length - 1] as Node;
    if (!firstItem.range || !lastItem.range) return undefined;
    const dashLine = text.slice(lineStart(text, firstItem.range[0]), firstItem.range[0]);
    const indent = dashLine.match(/^(\s*)-\s*$/)?.[1];
    if (indent === undefined) return undefined;
    const at = lineEnd(text, contentEnd(text, lastItem) - 1);
    return replace(at, at, `\n${indent}- ${item}`);
  }

  if (!parent || !parent.range) return undefined;
  if (edit.op === 'delete') {
    if (isFlow(parent)) return undefined; // rendered again by the Document API (no comments inside flow collections)
    if (isMap(parent) && typeof last === 'string') {
      const pair = pairOf(parent, last);
      const key = pair?.key as Node | undefined;
      const value = pair?.value as Node | undefined;
      if (!key?.range) return undefined;
      const end = value?.range ? contentEnd(text, value) : key.range[1];
      return replace(lineStart(text, key.range[0]), Math.min(text.length, lineEnd(text, end - 1) + 1), '');
    }
    if (isSeq(parent) && typeof last === 'number') {
      const item = parent.items[last] as Node | undefined;
      if (!item?.range) return undefined;
      return replace(lineStart(text, item.range[0]), Math.min(text.length, lineEnd(text, contentEnd(text, item) - 1) + 1), '');
    }
    return undefined;
  }

  // set
  const existing = nodeAt(doc, edit.path);
  if (existing?.range) {
    const col = column(text, existing.range[0]);
    const valueText = isMap(existing) || isSeq(existing) ? (isFlow(existing) ? flowText(edit.value) : blockText(edit.value, col)) : flowText(edit.value);
    if (valueText === undefined) return undefined;
    return replace(existing.range[0], contentEnd(text, existing), valueText);
  }
  if (!isMap(parent) || typeof last !== 'string') return undefined;
  const entry = `${flowText(last)}: ${flowText(edit.value)}`;
  if (parent.flow) {
    const close = text.lastIndexOf('}', parent.range[1] - 1);
    let at = close;
    while (text[at - 1] === ' ') at--;
    return parent.items.length === 0 ? replace(at, close, ` ${entry} `) : replace(at, at, `, ${entry}`);
  }
  const firstKey = parent.items[0]?.key as Node | undefined;
  const lastPair = parent.items[parent.items.length - 1];
  const lastNode = (lastPair?.value ?? lastPair?.key) as Node | undefined;
  if (!firstKey?.range || !lastNode?.range) return undefined;
  const lastEnd = contentEnd(text, lastNode);
  const indent = ' '.repeat(column(text, firstKey.range[0]));
  const at = lineEnd(text, lastEnd - 1);
  return replace(at, at, `\n${indent}${entry}`);
}

/** A block collection rendered at column `col` (its first line starts there, the others are indented to it). */
function blockText(value: unknown, col: number): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const doc = parseDocument('null');
  doc.contents = doc.createNode(value, { flow: false }) as never;
  // Inner lists as one line each ("mon-fri: [08:30-12:30, 14:00-19:00]"), as administrators write hours.
  const contents = doc.contents as unknown as YAMLMap | YAMLSeq;
  for (const item of contents.items as unknown[]) {
    const inner = isPair(item) ? item.value : item;
    if (isMap(inner) || isSeq(inner)) (inner as YAMLMap).flow = true;
  }
  quoteDateTimes(contents as unknown as Node);
  const lines = doc.toString({ lineWidth: 0, flowCollectionPadding: false }).trimEnd().split('\n');
  return lines.map((l, i) => (i === 0 ? l : ' '.repeat(col) + l)).join('\n');
}

/** The same edit through the Document API (the reference the splice is checked against, and the fallback). */
function viaDocument(doc: Document, edit: PlanEdit): void {
  if (edit.op === 'delete') {
    doc.deleteIn(edit.path);
    return;
  }
  if (edit.op === 'append') {
    const seq = doc.getIn(edit.path, true);
    if (isSeq(seq)) seq.add(doc.createNode(edit.value));
    else doc.setIn(edit.path, doc.createNode([edit.value]));
    return;
  }
  doc.setIn(edit.path, doc.createNode(edit.value));
}

const sameData = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Applies one edit to a YAML text; the result keeps everything the edit does not touch. */
export function applyEdit(text: string, edit: PlanEdit): string {
  const doc = parseDocument(text);
  const reference = parseDocument(text);
  viaDocument(reference, edit);
  const expected = reference.toJS();
  const spliced = splice(text, doc, edit);
  if (spliced !== undefined) {
    const check = parseDocument(spliced);
    if (check.errors.length === 0 && sameData(check.toJS(), expected)) return spliced;
  }
  return reference.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/** The value at `path` in a YAML text, as plain data (undefined when absent). */
export function valueAt(text: string, path: EditPath): unknown {
  const doc = parseDocument(text);
  const n = nodeAt(doc, path);
  return n === undefined ? undefined : (doc.getIn(path) as { toJSON?: () => unknown } | undefined)?.toJSON?.() ?? doc.getIn(path);
}

/** Whether the YAML text defines `path` (a key or item). */
export function hasPath(text: string, path: EditPath): boolean {
  return parseDocument(text).hasIn(path);
}
