import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCode, readTextFile } from '../../src/core/files.ts';
import { caughtUserError } from '../helpers/errors.ts';

describe('readTextFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capflow-files-'));

  it('reads a UTF-8 file', () => {
    writeFileSync(join(dir, 'a.txt'), 'héllo\n');
    expect(readTextFile(join(dir, 'a.txt'), '--in')).toBe('héllo\n');
  });

  it('names the field for a missing file and for a directory', () => {
    const missing = caughtUserError(() => readTextFile(join(dir, 'nope.txt'), '--events'));
    expect(missing.field).toBe('--events');
    expect(missing.message).toMatch(/^--events: file not found: .*nope\.txt \(check the path\)$/);
    expect(caughtUserError(() => readTextFile(dir, '--events')).message).toMatch(/cannot read .* \(EISDIR\)/);
  });

  it('reports the error code of a failed call', () => {
    expect(errorCode(Object.assign(new Error('gone'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(errorCode('plain')).toBe('plain');
  });
});
