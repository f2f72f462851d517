/**
 * What an import reads and how: the column mapping (`--map date=…,apy=…` or a small YAML
 * file) and the declared units and policies. Nothing here is guessed: a rate's unit and
 * convention must be declared, and so must epoch units for a numeric time column.
 */
import * as z from '../core/zod.ts';
import { loadConfigFile } from '../core/config.ts';
import { UserError } from '../core/errors.ts';
import { isCalendarTime } from '../core/time.ts';

/** What a file holds: a venue's history or an asset's price history. @example const k: SeriesKind = 'venue'; */
export type SeriesKind = 'venue' | 'prices';

/**
 * The fields an import can map to file columns.
 * - `date`: the time column (a date, a timestamp, ISO text, or epoch numbers with `epoch`).
 * - `apy`: an annual rate (APY or a supply rate), unit and convention declared.
 * - `index`: a liquidity index (any scale: only ratios of consecutive values count).
 * - `share_price`: a vault's share price (likewise).
 * - `tvl`, `available`, `borrowed`: USD amounts; `utilisation`: a 0..1 fraction.
 * - `price`: an asset's USD price (price series only).
 *
 * @example const f: MappedField = 'share_price';
 */
export type MappedField = 'date' | 'apy' | 'index' | 'share_price' | 'tvl' | 'available' | 'borrowed' | 'utilisation' | 'price';

/** Fields a venue file may map. */
export const VENUE_FIELDS: readonly MappedField[] = ['date', 'apy', 'index', 'share_price', 'tvl', 'available', 'borrowed', 'utilisation'];
/** Fields a price file may map. */
export const PRICE_FIELDS: readonly MappedField[] = ['date', 'price'];
/** Venue fields that carry the venue's yield; exactly one must be mapped. */
export const YIELD_FIELDS: readonly MappedField[] = ['apy', 'index', 'share_price'];

/** Unit of an `apy` column: 0.05, 5 (percent) or 5e25 (ray, 1e27 = 100 %). @example const u: ApyUnit = 'percent'; */
export type ApyUnit = 'fraction' | 'percent' | 'ray';
/** Whether an `apy` column is a simple annual rate (APR, accrued r/365 a day) or a compounded APY. @example const c: RateConvention = 'apr'; */
export type RateConvention = 'apr' | 'apy';
/** How rows within one UTC day become the day's value. @example const r: Resample = 'last'; */
export type Resample = 'last' | 'mean';
/** What a missing calendar day does: reject the file, carry the previous day forward, or leave the day out. @example const g: GapPolicy = 'ffill'; */
export type GapPolicy = 'error' | 'ffill' | 'drop';
/** What an empty cell does: reject the file, or count as no observation in that row. @example const n: NullPolicy = 'skip'; */
export type NullPolicy = 'error' | 'skip';
/** Unit of a numeric time column (Unix epoch). @example const e: EpochUnit = 's'; */
export type EpochUnit = 's' | 'ms';

/**
 * A complete import specification.
 *
 * @example
 * const spec: ImportSpec = { kind: 'venue', name: 'aave-usdc', map: { date: 'date', apy: 'apy_base', available: 'tvl' },
 *   apyUnit: 'percent', rate: 'apr', resample: null, gaps: 'error', nulls: 'error', epoch: null, from: null, to: null };
 */
export interface ImportSpec {
  kind: SeriesKind;
  /** The venue name or asset symbol the series is stored under. */
  name: string;
  /** Field → file column. */
  map: Partial<Record<MappedField, string>>;
  apyUnit: ApyUnit | null;
  rate: RateConvention | null;
  /** null: more than one row on a date is an error. */
  resample: Resample | null;
  gaps: GapPolicy;
  nulls: NullPolicy;
  epoch: EpochUnit | null;
  /** Keep only days on or after this UTC date (YYYY-MM-DD); null: from the first. */
  from: string | null;
  /** Keep only days on or before this UTC date; null: to the last. */
  to: string | null;
}

/** Names of venues and assets: 1-64 letters, digits, ".", "_" or "-". */
export const SERIES_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A UTC calendar date. */
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const FIELD_NAMES = ['date', 'apy', 'index', 'share_price', 'tvl', 'available', 'borrowed', 'utilisation', 'price'] as const;

/**
 * The YAML form of an import's options (`--config map.yaml`); flags given beside it win.
 *
 * @example
 * // map.yaml
 * // map: { date: date, apy: apy_base, available: tvl }
 * // apyUnit: percent
 * // rate: apr
 */
export const ImportConfigSchema = z.strictObject({
  map: z.partialRecord(z.enum(FIELD_NAMES), z.string().min(1)).optional(),
  apyUnit: z.enum(['fraction', 'percent', 'ray']).optional(),
  rate: z.enum(['apr', 'apy']).optional(),
  resample: z.enum(['last', 'mean']).optional(),
  gaps: z.enum(['error', 'ffill', 'drop']).optional(),
  nulls: z.enum(['error', 'skip']).optional(),
  epoch: z.enum(['s', 'ms']).optional(),
  from: z.string().regex(DATE_PATTERN, 'must be a YYYY-MM-DD date').refine(isCalendarTime, 'is not a calendar date').optional(),
  to: z.string().regex(DATE_PATTERN, 'must be a YYYY-MM-DD date').refine(isCalendarTime, 'is not a calendar date').optional(),
});

/** The parsed YAML options. @example const c: ImportConfig = { map: { date: 'day' }, rate: 'apr' }; */
export type ImportConfig = z.output<typeof ImportConfigSchema>;

/**
 * The complete import spec for series `name` of `kind` from its options (a config file's, or
 * flags over one): columns default to the field names, gaps and empty cells to `error`,
 * undeclared units stay null (and are refused where needed). Checked by {@link checkImportSpec}.
 *
 * @example specFromConfig('venue', 'lending-usdc', loadImportConfig('examples/data/lending-usdc.yaml')).rate // 'apr'
 */
export function specFromConfig(kind: SeriesKind, name: string, config: ImportConfig): ImportSpec {
  const defaultMap: ImportSpec['map'] = kind === 'venue' ? { date: 'date' } : { date: 'date', price: 'price' };
  return checkImportSpec({
    kind,
    name,
    map: { ...defaultMap, ...config.map },
    apyUnit: config.apyUnit ?? null,
    rate: config.rate ?? null,
    resample: config.resample ?? null,
    gaps: config.gaps ?? 'error',
    nulls: config.nulls ?? 'error',
    epoch: config.epoch ?? null,
    from: config.from ?? null,
    to: config.to ?? null,
  });
}

/**
 * Reads an import's YAML (or JSON) options file.
 *
 * @example loadImportConfig('examples/data/aave.yaml').map?.apy // 'apy_base'
 */
export function loadImportConfig(path: string): ImportConfig {
  return loadConfigFile(path, ImportConfigSchema);
}

/**
 * Parses `--map field=column,field=column`. Column names may be quoted ("a,b") to hold commas.
 *
 * @example parseMapFlag('date=day,apy=apy_base') // { date: 'day', apy: 'apy_base' }
 */
export function parseMapFlag(raw: string): Partial<Record<MappedField, string>> {
  const out: Partial<Record<MappedField, string>> = {};
  for (const part of splitOutsideQuotes(raw)) {
    const eq = part.indexOf('=');
    const field = (eq < 0 ? part : part.slice(0, eq)).trim();
    const column = unquote(eq < 0 ? '' : part.slice(eq + 1).trim());
    if (!(FIELD_NAMES as readonly string[]).includes(field)) {
      throw new UserError({ field: '--map', value: raw, message: `unknown field ${JSON.stringify(field)}`, hint: `fields are ${FIELD_NAMES.join(', ')}; write field=column` });
    }
    if (column === '') throw new UserError({ field: '--map', value: raw, message: `${field} has no column`, hint: `write ${field}=<column name>` });
    if (out[field as MappedField] !== undefined) throw new UserError({ field: '--map', value: raw, message: `${field} is mapped twice` });
    out[field as MappedField] = column;
  }
  return out;
}

function splitOutsideQuotes(raw: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of raw) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.filter((p) => p.trim() !== '');
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/**
 * Checks a spec is complete and consistent for its kind: a known name, one yield field for a
 * venue (a declared unit and convention for `apy`), a price for prices, no field of the other
 * kind, `resample mean` only for rates (an index's daily value is its last).
 *
 * @example checkImportSpec({ ...spec, map: { date: 'd' } }) // throws: --map: a venue needs one of apy, index, share_price
 */
export function checkImportSpec(spec: ImportSpec): ImportSpec {
  const nameFlag = spec.kind === 'venue' ? '--venue' : '--asset';
  if (!SERIES_NAME_PATTERN.test(spec.name)) {
    throw new UserError({ field: nameFlag, value: spec.name, message: `must be 1-64 letters, digits, ".", "_" or "-", got ${JSON.stringify(spec.name)}` });
  }
  const allowed = spec.kind === 'venue' ? VENUE_FIELDS : PRICE_FIELDS;
  for (const field of Object.keys(spec.map) as MappedField[]) {
    if (!allowed.includes(field)) throw new UserError({ field: '--map', value: field, message: `${field} is not a field of a ${spec.kind} file`, hint: `fields are ${allowed.join(', ')}` });
  }
  if (spec.map.date === undefined) throw new UserError({ field: '--map', message: 'no date column', hint: 'map it with --map date=<column>' });
  if (spec.kind === 'prices') {
    if (spec.map.price === undefined) throw new UserError({ field: '--map', message: 'a price series needs a price column', hint: 'map it with --map price=<column>' });
  } else {
    const yields = YIELD_FIELDS.filter((f) => spec.map[f] !== undefined);
    if (yields.length !== 1) {
      throw new UserError({ field: '--map', message: `a venue needs exactly one of ${YIELD_FIELDS.join(', ')}, got ${yields.length === 0 ? 'none' : yields.join(', ')}`, hint: 'map e.g. --map apy=<column> or index=<column>' });
    }
    if (spec.map.apy !== undefined) {
      if (spec.apyUnit === null) throw new UserError({ field: '--apy-unit', message: 'is required for an apy column (never guessed)', hint: 'pass --apy-unit fraction|percent|ray' });
      if (spec.rate === null) throw new UserError({ field: '--rate', message: 'is required for an apy column (never guessed)', hint: 'pass --rate apr (simple annual rate) or --rate apy (compounded)' });
    } else if (spec.resample === 'mean') {
      throw new UserError({ field: '--resample', value: 'mean', message: `a day's ${yields[0]} is its last value, not a mean`, hint: 'pass --resample last' });
    }
  }
  if (spec.from !== null && spec.to !== null && spec.from > spec.to) {
    throw new UserError({ field: '--from', value: spec.from, message: `is after --to ${spec.to}` });
  }
  return spec;
}
