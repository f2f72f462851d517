/**
 * A fast reader for the plain-data subset of YAML that capflow's config files and snapshots
 * use: block mappings and sequences indented with spaces, one-line flow collections
 * (`[a, b]`, `{ side: buy }`), plain and one-line quoted scalars, comments. Scalars resolve by
 * the YAML 1.2 core schema (null, booleans, decimal/octal/hex integers, floats, `.inf`, `.nan`),
 * as the `yaml` package's default reading does.
 *
 * It returns `undefined` for anything else — anchors, tags, block scalars (`|`, `>`),
 * multi-line scalars or flow collections, directives, document markers, tabs, duplicate keys,
 * keys that are not strings, and every syntax error — and the caller then reads the text with
 * the full parser, which gives the same value (or the error with its line). So this reader
 * only ever answers what the full parser would answer, 10–40× faster on a large snapshot.
 *
 * Written for a process that reads one file and exits: few calls and no allocation per line
 * beyond the values themselves, since most of it runs before the JIT compilers step in.
 */

import { canStartPlain, codeAt, DASH, findMappingColon, FLOW_INDICATOR, HASH, isSpaceOrEnd, restIsEmpty, skipSpaces, SPACE, trimSpacesEnd } from './plainYamlLine.ts';
import { MAY_NOT_BE_STRING, resolvePlainScalar } from './plainYamlScalar.ts';

export { resolvePlainScalar };

/** Thrown inside the reader when the text leaves the subset; caught at the top. */
const NOT_PLAIN: unique symbol = Symbol('not plain YAML');

function bail(): never {
  throw NOT_PLAIN;
}

/** Characters the reader refuses anywhere (tabs, CR, other controls, BOM, NEL and Unicode line breaks). */
const REFUSED_CHARS = /[\x00-\x08\x09\x0b-\x1f\x7f\x85\u2028\u2029\ufeff\r]/;
/** The first non-space character of a line. */
const NON_SPACE = /[^ ]/;
/** The longest implicit key YAML allows. */
const MAX_KEY_LENGTH = 1024;

const COLON = 58;
const COMMA = 44;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const OPEN_SQUARE = 91;
const CLOSE_SQUARE = 93;
const OPEN_CURLY = 123;
const CLOSE_CURLY = 125;

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

/** The column after what the last read* function read (its second result, without an allocation). */
let end = 0;

/** A double-quoted scalar starting at `line[start] === '"'`, ending on the same line. */
function readDoubleQuoted(line: string, start: number): string {
  let out = '';
  let i = start + 1;
  for (;;) {
    const close = line.indexOf('"', i);
    const escape = line.indexOf('\\', i);
    if (close < 0) bail();
    if (escape < 0 || escape > close) {
      end = close + 1;
      return out + line.slice(i, close);
    }
    out += line.slice(i, escape);
    const c = line[escape + 1];
    if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(line.slice(escape + 2, escape + 6))) {
      const code = parseInt(line.slice(escape + 2, escape + 6), 16);
      if (code >= 0xd800 && code <= 0xdfff) bail();
      out += String.fromCharCode(code);
      i = escape + 6;
    } else if (c !== undefined && c in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[c];
      i = escape + 2;
    } else {
      bail();
    }
  }
}

/** A single-quoted scalar starting at `line[start] === "'"`, ending on the same line (`''` is a quote). */
function readSingleQuoted(line: string, start: number): string {
  let out = '';
  let i = start + 1;
  for (;;) {
    const close = line.indexOf("'", i);
    if (close < 0) bail();
    out += line.slice(i, close);
    if (codeAt(line, close + 1) !== SINGLE_QUOTE) {
      end = close + 1;
      return out;
    }
    out += "'";
    i = close + 2;
  }
}

/**
 * A mapping key at `i` (plain or quoted) followed by `:` and a space or the line's end (`end`
 * is then the column after the `:`); `undefined` when the text there is not a key. Keys must
 * resolve to strings.
 */
function readKey(line: string, i: number): string | undefined {
  const c = codeAt(line, i);
  let key: string;
  if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
    key = c === DOUBLE_QUOTE ? readDoubleQuoted(line, i) : readSingleQuoted(line, i);
    const colon = skipSpaces(line, end);
    if (codeAt(line, colon) !== COLON) return undefined;
    if (!isSpaceOrEnd(codeAt(line, colon + 1))) bail();
    end = colon + 1;
  } else {
    if (!canStartPlain(line, i, false)) return undefined;
    const colon = findMappingColon(line, i);
    if (colon < 0) return undefined;
    key = trimSpacesEnd(line.slice(i, colon));
    if (MAY_NOT_BE_STRING.test(key) && typeof resolvePlainScalar(key) !== 'string') bail();
    end = colon + 1;
  }
  if (end - i > MAX_KEY_LENGTH || key === '__proto__' || key === '<<') bail();
  return key;
}

/** A plain scalar in block context from `i` to the end of the line (or a ` #` comment). */
function readBlockPlain(line: string, i: number): unknown {
  const hash = line.indexOf(' #', i);
  const text = trimSpacesEnd(hash < 0 ? line.slice(i) : line.slice(i, hash));
  if (findMappingColon(text, 0) >= 0) bail(); // `a: b: c` — a nested mapping on one line
  return resolvePlainScalar(text);
}

/** A flow item: a quoted scalar, a nested flow collection or a flow plain scalar. */
function readFlowNode(line: string, i: number): unknown {
  const c = codeAt(line, i);
  if (c === OPEN_SQUARE || c === OPEN_CURLY) return readFlow(line, i);
  if (c === DOUBLE_QUOTE) return readDoubleQuoted(line, i);
  if (c === SINGLE_QUOTE) return readSingleQuoted(line, i);
  if (!canStartPlain(line, i, true)) bail();
  let j = i;
  for (; j < line.length; j++) {
    const d = codeAt(line, j);
    if ((d < 128 && FLOW_INDICATOR[d] === 1) || d === COLON || (d === HASH && codeAt(line, j - 1) === SPACE)) break;
  }
  end = j;
  return resolvePlainScalar(trimSpacesEnd(line.slice(i, j)));
}

/** A one-line flow sequence or mapping starting at `line[start]` (`[` or `{`). */
function readFlow(line: string, start: number): unknown {
  const isMap = codeAt(line, start) === OPEN_CURLY;
  const close = isMap ? CLOSE_CURLY : CLOSE_SQUARE;
  const out: unknown = isMap ? {} : [];
  let i = skipSpaces(line, start + 1);
  if (codeAt(line, i) === close) {
    end = i + 1;
    return out;
  }
  for (;;) {
    if (isMap) {
      const name = readFlowNode(line, i);
      if (typeof name !== 'string' || codeAt(line, end) !== COLON || codeAt(line, end + 1) !== SPACE) bail();
      if (name === '__proto__' || name === '<<' || Object.hasOwn(out as object, name)) bail();
      (out as Record<string, unknown>)[name] = readFlowNode(line, skipSpaces(line, end + 1));
    } else {
      (out as unknown[]).push(readFlowNode(line, i));
    }
    i = skipSpaces(line, end);
    const c = codeAt(line, i);
    if (c === close) {
      end = i + 1;
      return out;
    }
    if (c !== COMMA) bail();
    i = skipSpaces(line, i + 1);
    const next = codeAt(line, i);
    if (next === close || next === COMMA) bail(); // trailing or empty entries: leave to the full parser
  }
}

/** A value that fills the rest of the line from `i`: a scalar or a one-line flow collection. */
function readInlineValue(line: string, i: number): unknown {
  const c = codeAt(line, i);
  let value: unknown;
  if (c === OPEN_SQUARE || c === OPEN_CURLY) value = readFlow(line, i);
  else if (c === DOUBLE_QUOTE) value = readDoubleQuoted(line, i);
  else if (c === SINGLE_QUOTE) value = readSingleQuoted(line, i);
  else if (canStartPlain(line, i, false)) return readBlockPlain(line, i);
  else bail();
  if (!restIsEmpty(line, end)) bail();
  return value;
}

/**
 * Reads `text` if it is plain-data YAML (see the module comment); `undefined` otherwise, and
 * then the full parser must read it.
 *
 * @example parsePlainYaml('a: 1\nb: [x, "y"]\n') // { a: 1, b: ['x', 'y'] }
 * @example parsePlainYaml('a: &x 1\n') // undefined (an anchor)
 */
export function parsePlainYaml(text: string): unknown {
  const lf = text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text;
  if (REFUSED_CHARS.test(lf)) return undefined;
  simpleValue = undefined;
  try {
    return new Reader(lf.split('\n')).document();
  } catch (e) {
    if (e === NOT_PLAIN || e instanceof RangeError) return undefined; // RangeError: nesting beyond the stack
    throw e;
  }
}

/**
 * The commonest line of a snapshot, `key: value` with a word for a key and a word or number for
 * a value (nothing to trim, no quotes, colons or comments), matched at the entry's column.
 */
const SIMPLE_ENTRY = /([A-Za-z_][\w.-]*): ((?:[\w.+]|-(?=[\w.+-]))[\w.+-]*)$/y;

/** The value text of the entry {@link readEntryKey} read as a simple line, undefined otherwise. */
let simpleValue: string | undefined;

/**
 * The key of the mapping entry at column `n` of `line`, as {@link readKey} reads it; for a
 * simple `key: value` line it also sets {@link simpleValue} (one regular-expression match in
 * place of the general reading).
 */
function readEntryKey(line: string, n: number): string | undefined {
  SIMPLE_ENTRY.lastIndex = n;
  const m = SIMPLE_ENTRY.exec(line);
  if (m !== null) {
    const key = m[1];
    if (!(MAY_NOT_BE_STRING.test(key) && typeof resolvePlainScalar(key) !== 'string') && key !== '__proto__' && key.length < MAX_KEY_LENGTH) {
      simpleValue = m[2];
      return key;
    }
  }
  return readKey(line, n);
}

/** A line that starts a block sequence entry at column `n` (`-` then a space or the end). */
const isEntryAt = (line: string, n: number): boolean => codeAt(line, n) === DASH && isSpaceOrEnd(codeAt(line, n + 1));

/** The block structure: lines, each line's indentation (-1: blank or comment) and a cursor. */
class Reader {
  private readonly lines: string[];
  /** Indentation of each content line, -1 for blank and comment lines; a block sequence entry's content gets the column after `- `. */
  private readonly indents: Int32Array;
  private readonly count: number;
  private at = 0;

  constructor(lines: string[]) {
    this.lines = lines;
    this.count = lines.length;
    const indents = new Int32Array(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const n = line.search(NON_SPACE);
      indents[i] = n < 0 || codeAt(line, n) === HASH ? -1 : n;
      if (n === 0 && (line.startsWith('---') || line.startsWith('...')) && isSpaceOrEnd(codeAt(line, 3))) bail(); // document markers
    }
    this.indents = indents;
  }

  document(): unknown {
    const n = this.nextIndent();
    if (n < 0) bail(); // empty document: null, left to the full parser
    const value = this.blockNode(n);
    if (this.nextIndent() >= 0) bail();
    return value;
  }

  /** Moves to the next content line; its indentation, or -1 at the end. */
  private nextIndent(): number {
    const indents = this.indents;
    let at = this.at;
    while (at < this.count && indents[at] < 0) at++;
    this.at = at;
    return at < this.count ? indents[at] : -1;
  }

  /** A block node whose first line is the current one, at indentation `n`. */
  private blockNode(n: number): unknown {
    const line = this.lines[this.at];
    if (isEntryAt(line, n)) return this.sequence(n);
    const key = readKey(line, n);
    if (key !== undefined) return this.mapping(n, key);
    const value = readInlineValue(line, n);
    this.at++;
    if (this.nextIndent() >= n) bail(); // a continuation line: a multi-line scalar
    return value;
  }

  /** A block mapping whose entries start at column `n`; the current line's key is `firstKey` (`end` after its `:`). */
  private mapping(n: number, firstKey: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let key: string | undefined = firstKey;
    for (;;) {
      if (Object.hasOwn(out, key)) bail(); // duplicate key: the full parser reports it
      const line = this.lines[this.at];
      if (simpleValue !== undefined) {
        out[key] = resolvePlainScalar(simpleValue);
        simpleValue = undefined;
        this.at++;
      } else {
        this.entryValue(out, key, line, n);
      }
      const next = this.nextIndent();
      if (next !== n) {
        if (next > n) bail();
        return out;
      }
      key = readEntryKey(this.lines[this.at], n);
      if (key === undefined) bail();
    }
  }

  /** Reads the value of the entry `key` (its `:` ends at `end` on `line`) into `out`, the lines after it too when it has none on its line. */
  private entryValue(out: Record<string, unknown>, key: string, line: string, n: number): void {
    const valueAt = skipSpaces(line, end);
    if (valueAt === line.length || restIsEmpty(line, valueAt)) {
      this.at++;
      const next = this.nextIndent();
      if (next > n) out[key] = this.blockNode(next);
      else if (next === n && isEntryAt(this.lines[this.at], n)) out[key] = this.sequence(n);
      else out[key] = null;
    } else {
      out[key] = readInlineValue(line, valueAt);
      this.at++;
    }
  }

  /** A block sequence whose `-` indicators are at column `n`. */
  private sequence(n: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      const line = this.lines[this.at];
      const content = skipSpaces(line, n + 1);
      if (content === line.length || restIsEmpty(line, content)) {
        this.at++;
        const next = this.nextIndent();
        out.push(next > n ? this.blockNode(next) : null);
      } else {
        if (isEntryAt(line, content)) bail(); // `- - x`: compact nested sequence
        this.indents[this.at] = content; // the entry's content is a node at its own column
        out.push(this.blockNode(content));
      }
      const next = this.nextIndent();
      if (next !== n || !isEntryAt(this.lines[this.at], n)) {
        if (next > n) bail();
        return out;
      }
    }
  }
}
