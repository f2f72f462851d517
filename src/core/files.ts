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
 * Reads a UTF-8 text file; a missing or unreadable file is a {@link UserError} naming `field`.
 *
 * @example const text = readTextFile('events.jsonl', '--events');
 */
export function readTextFile(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = errorCode(e);
    throw new UserError({ field, value: path, message: code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path} (${code})`, hint: 'check the path' });
  }
}
