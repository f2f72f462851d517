/**
 * Free text from users and chains (notes, reasons, names): what it may hold, and how it is
 * shown. Control characters (C0, DEL, C1), bidirectional overrides and isolates, and lone
 * surrogates are refused where text comes in, and escaped wherever text goes out (terminal,
 * error messages, HTML), so no input can move the cursor, recolour or reorder the screen.
 */

/** One character free text may not hold (a lone surrogate counts as one). */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
/** {@link UNSAFE} without the tab and the newline: what `escapeControls(text, true)` escapes. */
const UNSAFE_BUT_LINES_ALL = new RegExp(UNSAFE.source.replace('\\u0000-\\u001f', '\\u0000-\\u0008\\u000b-\\u001f'), 'g');

/** What {@link isSafeText} refuses, for error messages. @example `notes: ${SAFE_TEXT_RULE}` */
export const SAFE_TEXT_RULE = 'must not contain control characters (U+0000–U+001F, U+007F–U+009F), bidirectional overrides or lone surrogates';

/**
 * True when `text` holds no control character, bidirectional override or lone surrogate.
 *
 * @example isSafeText('fee for May') // true
 * @example isSafeText('a\u001b[2Jb') // false
 */
export function isSafeText(text: string): boolean {
  return !UNSAFE.test(text);
}

/**
 * `text` with every unsafe character written as a visible `\uXXXX` escape (tabs and newlines
 * too, unless `keepLines`: then `\n` and `\t` stay).
 *
 * @example escapeControls('a\u0007b') // 'a\\u0007b'
 */
export function escapeControls(text: string, keepLines = false): string {
  const unsafe = keepLines ? UNSAFE_BUT_LINES_ALL : UNSAFE_ALL;
  unsafe.lastIndex = 0;
  if (!unsafe.test(text)) return text; // the common case: one scan, no copy (a JSON result's many newlines need none)
  return text.replace(unsafe, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
