/**
 * Reading input files with errors that name the flag or config field giving the path.
 */
import { readFileSync } from 'node:fs';
import { UserError } from './errors.ts';

/**
 * The error code of a failed file-system call (`ENOENT`, `EACCES`, …), or the error as text.
 *
 * @example errorCode(Object.assign(new Error('gone'), { code: 'ENOENT' })) // 'ENOENT'
 */
export function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/**
 * Reads a UTF-8 text file; a missing or unreadable file, or bytes that are not UTF-8, are a
 * {@link UserError} naming `field`.
 *
 * @example const text = readTextFile('events.jsonl', '--events');
 */
export function readTextFile(path: string, field: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = errorCode(e);
    throw new UserError({ field, value: path, message: code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path} (${code})`, hint: 'check the path' });
  }
  return decodeUtf8(bytes, path, field);
}

/**
 * Decodes UTF-8 strictly: invalid bytes are a {@link UserError} naming `field` and the line of
 * the first one (never silently replaced by U+FFFD).
 *
 * @example decodeUtf8(Buffer.from('a\n\xff', 'latin1'), 'x.jsonl', '--events') // throws: line 2 is not valid UTF-8
 */
export function decodeUtf8(bytes: Buffer, path: string, field: string): string {
  const text = bytes.toString('utf8');
  if (!text.includes('\ufffd') || Buffer.byteLength(text, 'utf8') === bytes.length && Buffer.from(text, 'utf8').equals(bytes)) return text;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') line++;
    else if (text[i] === '\ufffd') break;
  }
  throw new UserError({ field, value: path, message: `${path} is not valid UTF-8 (first bad byte on line ${line})`, hint: 'save the file as UTF-8' });
}

/**
 * Line `line` of a UTF-8 file, given as its bytes `start..end` of `buf`, decoded strictly:
 * invalid UTF-8 is a {@link UserError} naming the line (never silently replaced by U+FFFD).
 *
 * @example utf8Line(Buffer.from('ok'), 0, 2, 1) // 'ok'
 */
export function utf8Line(buf: Buffer, start: number, end: number, line: number): string {
  const text = buf.toString('utf8', start, end);
  if (text.includes('\ufffd') && !Buffer.from(text, 'utf8').equals(buf.subarray(start, end))) {
    throw new UserError({ field: `line ${line}`, message: 'is not valid UTF-8', hint: 'save the file as UTF-8' });
  }
  return text;
}
