/**
 * Mutations of valid inputs: at the field level (a leaf replaced by a hostile value, a key
 * removed or added, a value nested deep) and at the byte level (bytes flipped, inserted,
 * removed, the text cut short); flag lists by token.
 */
import fc from 'fast-check';
import { HOSTILE_FLAG_VALUES, HOSTILE_VALUES, yamlText } from './kinds.ts';

type Path = Array<string | number>;

function paths(doc: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (doc !== null && typeof doc === 'object') {
    for (const [k, v] of Array.isArray(doc) ? doc.entries() : Object.entries(doc)) paths(v, [...at, k], out);
  }
  return out;
}

function setAt(doc: unknown, path: Path, f: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  if (path.length === 0) return doc;
  const copy = structuredClone(doc);
  let cur = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  f(cur, path[path.length - 1]);
  return copy;
}

/** One field-level change. */
export interface FieldOp {
  at: number;
  action: 'replace' | 'delete' | 'add' | 'deepen' | 'scale';
  value: unknown;
}

/** One byte-level change. */
export interface ByteOp {
  at: number;
  action: 'flip' | 'insert' | 'delete' | 'truncate';
  byte: number;
}

/** fast-check arbitrary of a field op whose values come from `values`. */
export function fieldOpOf(values: readonly unknown[]): fc.Arbitrary<FieldOp> {
  return fc.record({
    at: fc.nat(),
    action: fc.constantFrom<FieldOp['action']>('replace', 'replace', 'replace', 'delete', 'add', 'deepen', 'scale'),
    value: fc.constantFrom(...values),
  });
}

/** fast-check arbitrary of a field op. */
export const fieldOp: fc.Arbitrary<FieldOp> = fieldOpOf(HOSTILE_VALUES);

/** fast-check arbitrary of a byte op. */
export const byteOp: fc.Arbitrary<ByteOp> = fc.record({
  at: fc.nat(),
  action: fc.constantFrom<ByteOp['action']>('flip', 'insert', 'delete', 'truncate'),
  byte: fc.integer({ min: 0, max: 255 }),
});

/** Applies field ops to a document. */
export function applyFieldOps(doc: unknown, ops: readonly FieldOp[]): unknown {
  let cur = doc;
  for (const op of ops) {
    const all = paths(cur);
    const path = all[op.at % all.length];
    cur = setAt(cur, path, (parent, key) => {
      if (op.action === 'replace') parent[key] = op.value;
      else if (op.action === 'delete') delete parent[key];
      else if (op.action === 'add') (parent as Record<string, unknown>)[`${String(key)}Extra`] = op.value;
      else if (op.action === 'scale') parent[key] = typeof parent[key] === 'number' ? (parent[key] as number) * 1e6 : op.value;
      else {
        let nested: unknown = op.value;
        for (let i = 0; i < 100; i++) nested = [nested];
        parent[key] = nested;
      }
    });
  }
  return cur;
}

/** Applies byte ops to a text. */
export function applyByteOps(text: string, ops: readonly ByteOp[]): Buffer {
  let buf = Buffer.from(text, 'utf8');
  for (const op of ops) {
    const at = buf.length === 0 ? 0 : op.at % buf.length;
    if (op.action === 'flip') buf[at] ^= 1 << (op.byte % 8);
    else if (op.action === 'insert') buf = Buffer.concat([buf.subarray(0, at), Buffer.from([op.byte]), buf.subarray(at)]);
    else if (op.action === 'delete') buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1)]);
    else buf = buf.subarray(0, at);
  }
  return buf;
}

/** The text of a mutated file document (`.jsonl`: one line per element). */
export function documentText(doc: unknown, ext: string): string {
  if (ext === '.jsonl' && Array.isArray(doc)) return `${doc.map((line) => JSON.stringify(line) ?? 'null').join('\n')}\n`; // one JSON value a line
  return ext === '.json' ? JSON.stringify(doc, null, 1) ?? 'null' : yamlText(doc);
}

/** One token-level change of a flag list. */
export interface FlagOp {
  at: number;
  action: 'value' | 'drop' | 'duplicate' | 'unknown' | 'swap';
  value: string;
}

/** fast-check arbitrary of a flag op. */
export const flagOp: fc.Arbitrary<FlagOp> = fc.record({
  at: fc.nat(),
  action: fc.constantFrom<FlagOp['action']>('value', 'value', 'value', 'value', 'drop', 'duplicate', 'unknown', 'swap'),
  value: fc.constantFrom(...HOSTILE_FLAG_VALUES),
});

/** Applies flag ops to a flag list (the command words, before the first flag, stay). */
export function applyFlagOps(list: readonly string[], ops: readonly FlagOp[]): string[] {
  const words = list.findIndex((t) => t.startsWith('--'));
  const head = list.slice(0, words < 0 ? list.length : words);
  let tail = list.slice(head.length);
  for (const op of ops) {
    if (tail.length === 0) break;
    const i = op.at % tail.length;
    if (op.action === 'value') {
      const v = tail[i].startsWith('--') ? Math.min(i + 1, tail.length - 1) : i;
      tail = tail.map((t, k) => (k === v ? op.value : t));
    } else if (op.action === 'drop') tail = tail.filter((_, k) => k !== i);
    else if (op.action === 'duplicate') tail = [...tail, ...tail.slice(i, i + 2)];
    else if (op.action === 'unknown') tail = [...tail.slice(0, i), '--no-such-flag', op.value, ...tail.slice(i)];
    else tail = tail.map((t, k) => (k === i ? tail[(i + 1) % tail.length] : k === (i + 1) % tail.length ? tail[i] : t));
  }
  return [...head, ...tail];
}
