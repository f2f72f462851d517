/**
 * Writes a fund report directory: report.html, summary.json and nav.png. Each file is written
 * under a temporary name (see {@link beginOutput}) and renamed into place only when all are
 * written, so a failed write leaves the previous report as it was.
 */
import { accessSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors.ts';
import { errorCode } from '../core/files.ts';
import { beginOutput } from '../core/outputFile.ts';
import type { FundReportFiles } from '../report/fundReport.ts';

/** Paths of the files written. */
export interface ReportPaths {
  dir: string;
  html: string;
  summary: string;
  png: string;
}

/**
 * The lines that tell a person where the report went (none without `--report`).
 *
 * @example reportLines(writeReportDir('out', files)) // ['', 'report: /…/out/report.html', …]
 */
export function reportLines(report: ReportPaths | undefined): string[] {
  if (report === undefined) return [];
  return ['', `report: ${report.html}`, `summary: ${report.summary}`, `chart: ${report.png}`];
}

/**
 * Checks before any work that `dir` can take the report: an existing directory that is
 * writable, or a new one whose nearest existing ancestor is a writable directory. Throws a
 * {@link UserError} naming `flag` otherwise (a file, an unwritable place, `-`).
 *
 * @example checkReportDir('out') // ok: created when the report is written
 */
export function checkReportDir(dir: string, flag = '--report'): void {
  const fail = (message: string): never => {
    throw new UserError({ field: flag, value: dir, message, hint: 'pass a writable directory (created when missing)' });
  };
  if (dir === '' || dir === '-') fail('must be a directory (the report is three files)');
  let cur = resolve(dir);
  for (;;) {
    let st;
    try {
      st = statSync(cur);
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return fail(`cannot create ${dir}`);
      cur = parent;
      continue;
    }
    if (!st.isDirectory()) fail(cur === resolve(dir) ? `${dir} is not a directory` : `cannot create ${dir}: ${cur} is not a directory`);
    try {
      accessSync(cur, constants.W_OK);
    } catch (e) {
      fail(`cannot write into ${cur} (${errorCode(e)})`);
    }
    return;
  }
}

/**
 * Writes `files` into `dir` (created when missing) and returns the absolute paths.
 *
 * @example writeReportDir('out', fundReportFiles(result)).html // '/…/out/report.html'
 */
export function writeReportDir(dir: string, files: FundReportFiles, flag = '--report'): ReportPaths {
  checkReportDir(dir, flag);
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true });
  } catch (e) {
    throw new UserError({ field: flag, value: dir, message: `cannot create the report directory (${errorCode(e)})`, hint: 'pass a writable directory' });
  }
  const entries: Array<[string, string | Buffer]> = [
    ['report.html', files.html],
    ['summary.json', files.summaryJson],
    ['nav.png', files.mainChartPng],
  ];
  const outputs = entries.map(([name]) => beginOutput(join(abs, name), flag));
  try {
    entries.forEach(([, content], i) => writeFileSync(outputs[i].tempPath, content));
  } catch (e) {
    outputs.forEach((out) => out.discard());
    throw new UserError({ field: flag, value: dir, message: `cannot write the report (${errorCode(e)})`, hint: 'pass a writable directory' });
  }
  outputs.forEach((out) => out.commit());
  return { dir: abs, html: join(abs, 'report.html'), summary: join(abs, 'summary.json'), png: join(abs, 'nav.png') };
}
