/**
 * Rows on their way into the DuckDB store: written as CSV files into a private directory
 * beside the ledger file (on its disk, which has room for the ledger anyway; the system's
 * temporary directory is often memory), then read by DuckDB's own CSV reader in one `INSERT … SELECT` per table. One
 * statement per file costs DuckDB far less than a call per value through its appender, and
 * a staged batch costs no memory of its own (the text goes to the file a megabyte at a time).
 *
 * Every column is read as text and cast by the INSERT to the table's type, as the appender
 * cast the text it was given; text is always quoted (an empty text stays empty), a missing
 * value is an unquoted empty field (NULL).
 */
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { errorCode } from '../core/files.ts';
import type { RowSink } from './storeRows.ts';

/** Bytes buffered before they are written to the file. */
const BUFFER_BYTES = 1 << 20;
const QUOTE = /"/g;
/** DuckDB's read buffer for a staged file (its default, 16 MiB and more per file, costs memory and no time here). */
const READ_BUFFER_BYTES = 1 << 20;
const COMMA = 0x2c;
const QUOTE_BYTE = 0x22;
const NEWLINE = 0x0a;

const STAGE_PREFIX = '.capflow-stage-';
const STAGE_NAME = /^\.capflow-stage-(\d+)-/;

/** True while a process with this id runs (or may run: we may not signal it). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) !== 'ESRCH';
  }
}

/** Removes the stage directories in `dir` whose process is gone. */
function removeOrphans(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = STAGE_NAME.exec(name)?.[1];
    if (pid !== undefined && !isRunning(Number(pid))) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * A private directory for staged files, removed with {@link StageDir.remove}.
 *
 * @example const dir = StageDir.create('/data'); try { const f = dir.file('events', 24); … } finally { dir.remove(); }
 */
export class StageDir {
  private count = 0;

  private constructor(readonly path: string) {}

  /**
   * A new hidden directory in `parent` (the ledger file's directory), named after this
   * process; the directories there of processes that are gone (killed before they removed
   * theirs) are removed.
   */
  static create(parent: string): StageDir {
    removeOrphans(parent);
    return new StageDir(mkdtempSync(join(parent, `${STAGE_PREFIX}${process.pid}-`)));
  }

  /** A new CSV file in the directory for rows of `columns` values (`name` only helps a reader of the directory). */
  file(name: string, columns: number): CsvFile {
    return new CsvFile(join(this.path, `${++this.count}-${name}.csv`), columns);
  }

  /** Removes the directory and everything in it. */
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/**
 * One staged CSV file, written row by row through the {@link RowSink} calls; {@link close}
 * it before DuckDB reads it ({@link insertInto}).
 *
 * @example const f = dir.file('holdings', 3); f.appendVarchar('reserve'); f.appendVarchar('USDC'); f.appendVarchar('5'); f.endRow(); f.close(); await f.insertInto(conn, 'holdings');
 */
export class CsvFile implements RowSink {
  private fd: number | null;
  /** Bytes not yet written (text goes in byte by byte: no string is built for a row). */
  private buf = Buffer.alloc(0);
  private at = 0;
  /** Where the row being written starts in the buffer (negative once part of it is written). */
  private rowStart = 0;
  /** Bytes of the longest row, newline included (DuckDB's reader must hold a whole line). */
  private longestRow = 0;
  private values = 0;
  /** Rows written. */
  rows = 0;

  constructor(
    readonly path: string,
    readonly columns: number,
  ) {
    this.fd = openSync(path, 'w');
  }

  /** Makes room for `bytes` more bytes (writing what is buffered, or growing the buffer for one long value). */
  private room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    this.flush();
    if (bytes > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(bytes, BUFFER_BYTES));
  }

  /** Puts `text`'s UTF-8 bytes into the buffer (ASCII copied in place; the rest encoded by Node). */
  private put(text: string): void {
    const n = text.length;
    this.room(n * 3 + 3);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        at += buf.write(text.slice(i), at, 'utf8');
        break;
      }
      buf[at++] = c;
    }
    this.at = at;
  }

  /** Starts the next value of the row (a comma after the first). */
  private next(): void {
    this.room(1);
    if (this.values++ !== 0) this.buf[this.at++] = COMMA;
  }

  appendVarchar(value: string): void {
    this.next();
    this.room(1);
    this.buf[this.at++] = QUOTE_BYTE;
    this.put(value.indexOf('"') === -1 ? value : value.replace(QUOTE, '""'));
    this.buf[this.at++] = QUOTE_BYTE; // put left room for it
  }

  appendNull(): void {
    this.next();
  }

  appendInteger(value: number): void {
    this.next();
    this.put(String(value));
  }

  appendDouble(value: number): void {
    this.next();
    this.put(Object.is(value, -0) ? '-0' : String(value)); // the shortest text that reads back as the same double (String(-0) is '0')
  }

  appendBoolean(value: boolean): void {
    this.next();
    this.put(value ? 'true' : 'false');
  }

  endRow(): void {
    if (this.values !== this.columns) throw new Error(`${this.path}: row ${this.rows + 1} has ${this.values} values, not ${this.columns}`);
    this.room(1);
    this.buf[this.at++] = NEWLINE;
    this.longestRow = Math.max(this.longestRow, this.at - this.rowStart);
    this.rowStart = this.at;
    this.values = 0;
    this.rows++;
  }

  private flush(): void {
    if (this.fd === null) throw new Error(`${this.path} is closed`);
    for (let done = 0; done < this.at; ) done += writeSync(this.fd, this.buf, done, this.at - done);
    this.rowStart -= this.at;
    this.at = 0;
  }

  /** Writes what is buffered and closes the file. */
  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
    this.buf = Buffer.alloc(0);
  }

  /** Closes and deletes the file. */
  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }

  /** The table function reading the file: every column as VARCHAR, named c1, c2, …. */
  reader(): string {
    const columns = Array.from({ length: this.columns }, (_, i) => `'c${i + 1}': 'VARCHAR'`).join(', ');
    return `read_csv('${this.path.replace(/'/g, "''")}', header = false, auto_detect = false, columns = {${columns}}, delim = ',', quote = '"', escape = '"', new_line = '\\n', allow_quoted_nulls = false, buffer_size = ${Math.max(READ_BUFFER_BYTES, 2 * this.longestRow)}, max_line_size = ${Math.max(READ_BUFFER_BYTES, this.longestRow)})`;
  }

  /** Inserts the (closed) file's rows into `table`, columns in table order (nothing when it has none). */
  async insertInto(conn: DuckDBConnection, table: string): Promise<void> {
    this.close();
    if (this.rows > 0) await conn.run(`INSERT INTO ${table} SELECT * FROM ${this.reader()}`);
  }
}
