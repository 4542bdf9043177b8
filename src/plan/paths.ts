// JSON pointers ↔ the field names users read in messages: groups.secretariat.max_wait, numbers["+33 1 42 00 00 01"].open.

export function splitPointer(ptr: string): string[] {
  if (ptr === '') return [];
  return ptr
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `root` tells list indexes from keys made of digits ("0142000001", menu option "1"). */
export function fieldName(ptr: string, root?: unknown): string {
  const parts = splitPointer(ptr);
  if (parts.length === 0) return 'the plan';
  let out = '';
  let node: unknown = root;
  parts.forEach((p) => {
    const inList = Array.isArray(node);
    node = inList ? (node as unknown[])[Number(p)] : typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[p] : undefined;
    if (inList) out += `[${Number(p) + 1}]`; // 1-based: "exceptions[2]" is the second, as people count
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(p)) out += (out ? '.' : '') + p;
    else out += `[${JSON.stringify(p)}]`;
  });
  return out;
}

/** What was found, for messages: "20" (a number), "a list", "a mapping", "nothing". */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  return String(value);
}
