/**
 * Character-level scanning of one line for the plain-data YAML reader (./plainYaml.ts): where a
 * plain scalar may start, spaces and comments, the `:` of a mapping entry. Pure functions of the
 * line and a column; they never read out of bounds.
 */

/** The space character's code. */
export const SPACE = 32;
/** `#`, a comment after a space. */
export const HASH = 35;
/** `-`, a sequence entry before a space. */
export const DASH = 45;

/** Character codes (< 128) a plain scalar cannot start with: YAML indicators (`-` is checked apart). */
export const NO_PLAIN_START = new Uint8Array(128);
for (const c of '?:,[]{}#&*!|>\'"%@`') NO_PLAIN_START[c.charCodeAt(0)] = 1;
/** Character codes that end a plain scalar inside a flow collection. */
export const FLOW_INDICATOR = new Uint8Array(128);
for (const c of ',[]{}') FLOW_INDICATOR[c.charCodeAt(0)] = 1;

/**
 * The character code at `i`, -1 past the end (never reads out of bounds: that would undo the JIT's work).
 *
 * @example codeAt('ab', 5) // -1
 */
export const codeAt = (s: string, i: number): number => (i >= 0 && i < s.length ? s.charCodeAt(i) : -1);

/**
 * True when the code is a space or past the line's end (-1).
 *
 * @example isSpaceOrEnd(-1) // true
 */
export const isSpaceOrEnd = (code: number): boolean => code === SPACE || code === -1;

/**
 * True when a plain scalar may start at `line[i]` (in a flow collection: `inFlow`).
 *
 * @example canStartPlain('- a', 0, false) // false
 */
export function canStartPlain(line: string, i: number, inFlow: boolean): boolean {
  const c = codeAt(line, i);
  if (c < 0 || (c < 128 && NO_PLAIN_START[c] === 1)) return false;
  if (c !== DASH) return true;
  const next = codeAt(line, i + 1);
  return !isSpaceOrEnd(next) && !(inFlow && next < 128 && FLOW_INDICATOR[next] === 1);
}

/**
 * `s` without trailing spaces (only spaces: other Unicode white space belongs to a YAML scalar).
 *
 * @example trimSpacesEnd('usdc  ') // 'usdc'
 */
export function trimSpacesEnd(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === SPACE) e--;
  return e === s.length ? s : s.slice(0, e);
}

/**
 * Column after the spaces from `i`.
 *
 * @example skipSpaces('  a', 0) // 2
 */
export function skipSpaces(line: string, i: number): number {
  while (i < line.length && line.charCodeAt(i) === SPACE) i++;
  return i;
}

/**
 * True when nothing but spaces and an optional comment (after a space) follows `i`.
 *
 * @example restIsEmpty('a  # note', 1) // true
 */
export function restIsEmpty(line: string, i: number): boolean {
  const j = skipSpaces(line, i);
  return j === line.length || (codeAt(line, j) === HASH && (j === 0 || codeAt(line, j - 1) === SPACE));
}

/**
 * The first `:` followed by a space or the end (before any ` #` comment) from `i`; -1 if none.
 *
 * @example findMappingColon('key: value', 0) // 3
 */
export function findMappingColon(line: string, i: number): number {
  const hash = line.indexOf(' #', i);
  for (let j = line.indexOf(':', i); j >= 0; j = line.indexOf(':', j + 1)) {
    if (hash >= 0 && hash < j) return -1;
    if (isSpaceOrEnd(codeAt(line, j + 1))) return j;
  }
  return -1;
}

