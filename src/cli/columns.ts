/**
 * Column helpers for human output: `renderTable` and `renderKeyValues` pad text on the right,
 * so numbers formatted as text are right-aligned here first.
 */

/**
 * Pads texts on the left to one width: the longest text, or `minWidth` (e.g. the column
 * header's length) when that is wider.
 *
 * @example rightAlign(['1.5', '10.25'], 6) // ['   1.5', ' 10.25']
 */
export function rightAlign(texts: readonly string[], minWidth = 0): string[] {
  const width = Math.max(minWidth, ...texts.map((t) => t.length));
  return texts.map((t) => t.padStart(width));
}
