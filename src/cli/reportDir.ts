/**
 * Writes a fund report directory: report.html, summary.json and nav.png. Each file is written
 * under a temporary name and renamed into place only when all are written, so a failure leaves
 * no half-written report.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors.ts';
import type { FundReportFiles } from '../report/fundReport.ts';

/** Paths of the files written. */
export interface ReportPaths {
  dir: string;
  html: string;
  summary: string;
  png: string;
}

/**
 * Writes `files` into `dir` (created when missing) and returns the absolute paths.
 *
 * @example writeReportDir('out', fundReportFiles(result)).html // '/…/out/report.html'
 */
export function writeReportDir(dir: string, files: FundReportFiles, flag = '--report'): ReportPaths {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true });
  } catch (e) {
    throw new UserError({ field: flag, value: dir, message: `cannot create the report directory (${(e as NodeJS.ErrnoException).code ?? String(e)})`, hint: 'pass a writable directory' });
  }
  const entries: Array<[string, string | Buffer]> = [
    ['report.html', files.html],
    ['summary.json', files.summaryJson],
    ['nav.png', files.mainChartPng],
  ];
  const temp = entries.map(([name]) => join(abs, `.${name}.${process.pid}.tmp`));
  try {
    entries.forEach(([, content], i) => writeFileSync(temp[i], content));
    entries.forEach(([name], i) => renameSync(temp[i], join(abs, name)));
  } catch (e) {
    temp.forEach((t) => rmSync(t, { force: true }));
    throw new UserError({ field: flag, value: dir, message: `cannot write the report (${(e as NodeJS.ErrnoException).code ?? String(e)})`, hint: 'pass a writable directory' });
  }
  return { dir: abs, html: join(abs, 'report.html'), summary: join(abs, 'summary.json'), png: join(abs, 'nav.png') };
}
