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
 * only ever answers what the full parser would answer, about 20× faster on a large snapshot.
 */

/** Thrown inside the reader when the text leaves the subset; caught at the top. */
const NOT_PLAIN: unique symbol = Symbol('not plain YAML');

function bail(): never {
  throw NOT_PLAIN;
}

/** Characters the reader refuses anywhere (tabs, CR, other controls, BOM, NEL and Unicode line breaks). */
const REFUSED_CHARS = /[\x00-\x08\x09\x0b-\x1f\x7f\x85\u2028\u2029\ufeff\r]/;
/** The first characters of every core-schema scalar that is not a string (a quick exit for words). */
const MAY_NOT_BE_STRING = /^(?:$|[-+.0-9~nNtTfF])/;
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN_INF = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** Characters a plain scalar cannot start with (YAML indicators; `-` is checked apart). */
const NO_PLAIN_START = new Set(['?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);
/** Characters that end a plain scalar inside a flow collection. */
const FLOW_INDICATORS = new Set([',', '[', ']', '{', '}']);
/** The longest implicit key YAML allows. */
const MAX_KEY_LENGTH = 1024;

/**
 * The value of a plain scalar by the YAML 1.2 core schema.
 *
 * @example resolvePlainScalar('0x1F') // 31
 */
export function resolvePlainScalar(s: string): unknown {
  if (!MAY_NOT_BE_STRING.test(s)) return s;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (INT_OCT.test(s)) return parseInt(s.slice(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_HEX.test(s)) return parseInt(s.slice(2), 16);
  if (FLOAT_NAN_INF.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

/** A scalar or key read from one line: its value and the column after it. */
interface Read {
  value: unknown;
  end: number;
}

/** A double-quoted scalar starting at `line[start] === '"'`, ending on the same line. */
function readDoubleQuoted(line: string, start: number): Read {
  let out = '';
  let i = start + 1;
  for (;;) {
    const close = line.indexOf('"', i);
    const escape = line.indexOf('\\', i);
    if (close < 0) bail();
    if (escape < 0 || escape > close) return { value: out + line.slice(i, close), end: close + 1 };
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
function readSingleQuoted(line: string, start: number): Read {
  let out = '';
  let i = start + 1;
  for (;;) {
    const close = line.indexOf("'", i);
    if (close < 0) bail();
    out += line.slice(i, close);
    if (line[close + 1] !== "'") return { value: out, end: close + 1 };
    out += "'";
    i = close + 2;
  }
}

const isSpaceOrEnd = (c: string | undefined): boolean => c === undefined || c === ' ';

/** True when a plain scalar may start at `line[i]` (in a flow collection: `inFlow`). */
function canStartPlain(line: string, i: number, inFlow = false): boolean {
  const c = line[i];
  if (c === undefined || NO_PLAIN_START.has(c)) return false;
  if (c !== '-') return true;
  const next = line[i + 1];
  return !isSpaceOrEnd(next) && !(inFlow && FLOW_INDICATORS.has(next));
}

/** Column after the spaces from `i`. */
function skipSpaces(line: string, i: number): number {
  while (line.charCodeAt(i) === 32) i++;
  return i;
}

/** True when nothing but spaces and an optional comment (after a space) follows `i`. */
function restIsEmpty(line: string, i: number): boolean {
  const j = skipSpaces(line, i);
  return j === line.length || (line[j] === '#' && (j === 0 || line[j - 1] === ' '));
}

/**
 * A mapping key at `i` (plain or quoted) followed by `:` and a space or the line's end;
 * `undefined` when the text there is not a key. Keys must resolve to strings.
 */
function readKey(line: string, i: number): Read | undefined {
  const c = line[i];
  let key: string;
  let end: number;
  if (c === '"' || c === "'") {
    const q = c === '"' ? readDoubleQuoted(line, i) : readSingleQuoted(line, i);
    const colon = skipSpaces(line, q.end);
    if (line[colon] !== ':') return undefined;
    if (!isSpaceOrEnd(line[colon + 1])) bail();
    key = q.value as string;
    end = colon + 1;
  } else {
    if (!canStartPlain(line, i)) return undefined;
    const colon = findMappingColon(line, i);
    if (colon < 0) return undefined;
    key = line.slice(i, colon).trimEnd();
    if (typeof resolvePlainScalar(key) !== 'string') bail();
    end = colon + 1;
  }
  if (end - i > MAX_KEY_LENGTH || key === '__proto__' || key === '<<') bail();
  return { value: key, end };
}

/** The first `:` followed by a space or the end (before any ` #` comment) from `i`; -1 if none. */
function findMappingColon(line: string, i: number): number {
  const hash = line.indexOf(' #', i);
  for (let j = line.indexOf(':', i); j >= 0; j = line.indexOf(':', j + 1)) {
    if (hash >= 0 && hash < j) return -1;
    if (isSpaceOrEnd(line[j + 1])) return j;
  }
  return -1;
}

/** A plain scalar in block context from `i` to the end of the line (or a ` #` comment). */
function readBlockPlain(line: string, i: number): unknown {
  const hash = line.indexOf(' #', i);
  const text = (hash < 0 ? line.slice(i) : line.slice(i, hash)).trimEnd();
  if (findMappingColon(text, 0) >= 0) bail(); // `a: b: c` — a nested mapping on one line
  return resolvePlainScalar(text);
}


/** A flow item: a quoted scalar, a nested flow collection or a flow plain scalar. */
function readFlowNode(line: string, i: number): Read {
  const c = line[i];
  if (c === '[' || c === '{') return readFlow(line, i);
  if (c === '"') return readDoubleQuoted(line, i);
  if (c === "'") return readSingleQuoted(line, i);
  if (!canStartPlain(line, i, true)) bail();
  let j = i;
  while (j < line.length && !FLOW_INDICATORS.has(line[j])) {
    if (line[j] === ':' || (line[j] === '#' && line[j - 1] === ' ')) break;
    j++;
  }
  return { value: resolvePlainScalar(line.slice(i, j).trimEnd()), end: j };
}

/** A one-line flow sequence or mapping starting at `line[start]` (`[` or `{`). */
function readFlow(line: string, start: number): Read {
  const isMap = line[start] === '{';
  const close = isMap ? '}' : ']';
  const out: unknown = isMap ? {} : [];
  let i = skipSpaces(line, start + 1);
  if (line[i] === close) return { value: out, end: i + 1 };
  for (;;) {
    if (isMap) {
      const key = readFlowNode(line, i);
      if (typeof key.value !== 'string' || line[key.end] !== ':' || line[key.end + 1] !== ' ') bail();
      const name = key.value;
      if (name === '__proto__' || name === '<<' || Object.hasOwn(out as object, name)) bail();
      const value = readFlowNode(line, skipSpaces(line, key.end + 1));
      (out as Record<string, unknown>)[name] = value.value;
      i = skipSpaces(line, value.end);
    } else {
      const item = readFlowNode(line, i);
      (out as unknown[]).push(item.value);
      i = skipSpaces(line, item.end);
    }
    if (line[i] === close) return { value: out, end: i + 1 };
    if (line[i] !== ',') bail();
    i = skipSpaces(line, i + 1);
    if (line[i] === close || line[i] === ',') bail(); // trailing or empty entries: leave to the full parser
  }
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
  try {
    return new Reader(lf.split('\n')).document();
  } catch (e) {
    if (e === NOT_PLAIN || e instanceof RangeError) return undefined; // RangeError: nesting beyond the stack
    throw e;
  }
}

/** The block structure: lines, a cursor on the next content line and each line's indentation. */
class Reader {
  private readonly lines: string[];
  /** Indentation of each line; a block sequence entry's content gets the column after `- `. */
  private readonly indents: Int32Array;
  private at = 0;

  constructor(lines: string[]) {
    this.lines = lines;
    this.indents = new Int32Array(lines.length).fill(-1);
  }

  document(): unknown {
    if (!this.skipToContent()) bail(); // empty document: null, left to the full parser
    const value = this.blockNode(this.indent());
    if (this.skipToContent()) bail();
    return value;
  }

  /** Moves past blank and comment lines; false at the end. */
  private skipToContent(): boolean {
    for (; this.at < this.lines.length; this.at++) {
      const line = this.lines[this.at];
      let n = this.indents[this.at];
      if (n < 0) {
        n = skipSpaces(line, 0);
        this.indents[this.at] = n;
        if (n === 0 && (line.startsWith('---') || line.startsWith('...')) && isSpaceOrEnd(line[3])) bail();
      }
      if (n < line.length && line[n] !== '#') return true;
    }
    return false;
  }

  private indent(): number {
    return this.indents[this.at];
  }

  /** The next content line's indentation, -1 at the end. */
  private nextIndent(): number {
    return this.skipToContent() ? this.indent() : -1;
  }

  /** A block node whose first line is the current one, at indentation `n`. */
  private blockNode(n: number): unknown {
    const line = this.lines[this.at];
    if (line[n] === '-' && isSpaceOrEnd(line[n + 1])) return this.sequence(n);
    if (readKey(line, n) !== undefined) return this.mapping(n);
    const value = this.inlineValue(line, n);
    this.at++;
    if (this.nextIndent() >= n) bail(); // a continuation line: a multi-line scalar
    return value;
  }

  /** A value that fills the rest of the line from `i`: a scalar or a one-line flow collection. */
  private inlineValue(line: string, i: number): unknown {
    const c = line[i];
    let read: Read;
    if (c === '[' || c === '{') read = readFlow(line, i);
    else if (c === '"') read = readDoubleQuoted(line, i);
    else if (c === "'") read = readSingleQuoted(line, i);
    else if (canStartPlain(line, i)) return readBlockPlain(line, i);
    else bail();
    if (!restIsEmpty(line, read.end)) bail();
    return read.value;
  }

  /** A block mapping whose entries start at column `n`. */
  private mapping(n: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (this.skipToContent() && this.indent() === n) {
      const line = this.lines[this.at];
      const key = readKey(line, n);
      if (key === undefined) bail();
      const name = key.value as string;
      if (Object.hasOwn(out, name)) bail(); // duplicate key: the full parser reports it
      const valueAt = skipSpaces(line, key.end);
      if (restIsEmpty(line, valueAt)) {
        this.at++;
        const next = this.nextIndent();
        const line2 = next < 0 ? '' : this.lines[this.at];
        if (next > n) out[name] = this.blockNode(next);
        else if (next === n && line2[n] === '-' && isSpaceOrEnd(line2[n + 1])) out[name] = this.sequence(n);
        else out[name] = null;
      } else {
        out[name] = this.inlineValue(line, valueAt);
        this.at++;
      }
    }
    if (this.skipToContent() && this.indent() > n) bail();
    return out;
  }

  /** A block sequence whose `-` indicators are at column `n`. */
  private sequence(n: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      if (!this.skipToContent() || this.indent() !== n) break;
      const line = this.lines[this.at];
      if (line[n] !== '-' || !isSpaceOrEnd(line[n + 1])) break;
      const content = skipSpaces(line, n + 1);
      if (restIsEmpty(line, content)) {
        this.at++;
        const next = this.nextIndent();
        out.push(next > n ? this.blockNode(next) : null);
        continue;
      }
      if (line[content] === '-' && isSpaceOrEnd(line[content + 1])) bail(); // `- - x`: compact nested sequence
      this.indents[this.at] = content; // the entry's content is a node at its own column
      out.push(this.blockNode(content));
    }
    if (this.skipToContent() && this.indent() > n) bail();
    return out;
  }
}
