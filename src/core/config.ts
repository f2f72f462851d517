/**
 * Config loading: JSON or YAML text validated by a zod schema. Every problem becomes a
 * {@link UserError} whose field is the config path, e.g. `rules.weights[1].maxConcentration`.
 * Schemas should be strict (`z.strictObject`) so unknown keys are errors.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import type * as YamlModule from 'yaml';
import type * as z from './zod.ts';
import { firstErrorLine, showValue, UserError } from './errors.ts';
import { parsePlainYaml } from './plainYaml.ts';
import { decodeUtf8 } from './files.ts';

let yamlModule: typeof YamlModule | undefined;

/** The `yaml` package, loaded on first use: plain-data files never need it (see {@link parsePlainYaml}). */
function yamlLib(): typeof YamlModule {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof YamlModule;
  return yamlModule;
}

/**
 * Formats a zod issue path as a config path.
 *
 * @example formatPath(['rules', 'weights', 1, 'maxConcentration']) // 'rules.weights[1].maxConcentration'
 */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * Validates `data` against `schema`; on failure throws a {@link UserError} whose field is the
 * first bad path (all problems are listed in the message). `source` (a file name) is named
 * in the message.
 *
 * @example parseConfig(z.strictObject({ seed: z.number() }), { seed: 1 }) // { seed: 1 }
 */
export function parseConfig<S extends z.ZodType>(schema: S, data: unknown, source = ''): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const described = issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
    const path = formatPath(issue.path);
    if (keys.length > 0) {
      const unknown = keys.map((k) => formatPath([...issue.path, k])).join(', ');
      return { path: formatPath([...issue.path, keys[0]]), text: `unknown field ${unknown}`, hint: 'remove it or check its spelling' };
    }
    const value = valueAt(data, issue.path);
    const shown = value === undefined ? 'missing' : `got ${showValue(value)}`;
    return { path, text: `${issue.message} (${shown})`, hint: undefined };
  });
  const first = described[0];
  const more = described.length > 1 ? `; also ${described.slice(1).map((d) => `${d.path}: ${d.text}`).join('; ')}` : '';
  throw new UserError({
    field: first.path,
    value: valueAt(data, issues[0].path),
    message: `${first.text}${more}${source === '' ? '' : ` (in ${source})`}`,
    hint: first.hint,
  });
}

/**
 * Parses JSON or YAML text (`format` picks; YAML is a superset of JSON, so `yaml` reads both).
 * Plain-data YAML is read by the fast {@link parsePlainYaml}; anything else (and every syntax
 * error) by the `yaml` package, which gives the same value. Syntax errors become a
 * {@link UserError} naming `source` and the line.
 *
 * @example parseConfigText('seed: 1\n', 'a.yaml', 'yaml') // { seed: 1 }
 */
export function parseConfigText(text: string, source: string, format: 'json' | 'yaml'): unknown {
  try {
    if (format === 'json') return JSON.parse(text);
    const plain = parsePlainYaml(text);
    if (plain !== undefined) return plain;
    return yamlLib().parse(text, { uniqueKeys: true, prettyErrors: true });
  } catch (e) {
    const message = format === 'json' ? withJsonLine(firstErrorLine(e), text) : firstErrorLine(e);
    throw new UserError({ field: source, message: `cannot parse ${format.toUpperCase()}: ${message}`, hint: 'fix the syntax at the position shown' });
  }
}

/**
 * Adds the line and column to a JSON.parse message that gives only a character position
 * (Node 20 says `… in JSON at position 25`).
 *
 * @example withJsonLine('Unexpected token } in JSON at position 9', '{\n "a": 1,\n}') // '… at position 9 (line 3, column 1)'
 */
export function withJsonLine(message: string, text: string): string {
  const m = /at position (\d+)/.exec(message);
  if (m === null || /\bline\b/.test(message)) return message;
  const position = Math.min(Number(m[1]), text.length);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

/** Nesting deeper than any scenario or snapshot needs (they nest about 6 levels). */
export const MAX_CONFIG_DEPTH = 64;
/** The largest magnitude of any number in a config file: 2^53 − 1 (seeds; amounts are far below). */
export const MAX_CONFIG_MAGNITUDE = Number.MAX_SAFE_INTEGER;

/**
 * Refuses a parsed document nested deeper than {@link MAX_CONFIG_DEPTH}, or holding a number
 * that is NaN, ±Infinity or beyond ±{@link MAX_CONFIG_MAGNITUDE} — before a schema walks it
 * (a deep document would overflow the stack). The walk stops at the depth limit, so any
 * document is safe to check; the first problem in document order is the one reported.
 *
 * @example checkConfigShape({ a: [1, 2] }, 'x.yaml') // ok
 */
export function checkConfigShape(doc: unknown, source = ''): void {
  const problem = shapeProblem(doc, 0);
  if (problem === undefined) return;
  const inFile = source === '' ? '' : ` (in ${source})`;
  const path = problem.reversedPath.reverse();
  if (problem.kind === 'range') {
    throw new UserError({ field: formatPath(path), value: problem.value, message: `is out of range: numbers must be finite and within ±${MAX_CONFIG_MAGNITUDE} (got ${showValue(problem.value)})${inFile}`, hint: 'use the value the field documents' });
  }
  throw new UserError({ field: formatPath(path.slice(0, 8)), message: `is nested deeper than ${MAX_CONFIG_DEPTH} levels${inFile}`, hint: 'no capflow file nests that deep: check the structure' });
}

/** What {@link shapeProblem} found, with its path from the value it was called on, last key first. */
interface ShapeProblem {
  kind: 'range' | 'depth';
  value?: number;
  reversedPath: PropertyKey[];
}

/** The first shape problem under `value` (at nesting `depth`) in document order; no allocation when there is none. */
function shapeProblem(value: unknown, depth: number): ShapeProblem | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= MAX_CONFIG_MAGNITUDE ? undefined : { kind: 'range', value, reversedPath: [] };
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_CONFIG_DEPTH) return { kind: 'depth', reversedPath: [] };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = shapeProblem(value[i], depth + 1);
      if (problem !== undefined) {
        problem.reversedPath.push(i);
        return problem;
      }
    }
    return undefined;
  }
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const problem = shapeProblem((value as Record<string, unknown>)[keys[i]], depth + 1);
    if (problem !== undefined) {
      problem.reversedPath.push(keys[i]);
      return problem;
    }
  }
  return undefined;
}

/** Reads standard input as text (for the path `-`). */
function readStdin(source: string): string {
  try {
    return decodeUtf8(readFileSync(0), '(stdin)', source);
  } catch (e) {
    throw new UserError({ field: source, message: `cannot read standard input (${(e as NodeJS.ErrnoException).code ?? String(e)})`, hint: 'pipe the file in, or pass its path' });
  }
}

/**
 * Reads a `.json`, `.yaml` or `.yml` file (`-`: standard input, JSON or YAML) and validates it.
 *
 * @example const snapshot = loadConfigFile('plan.yaml', PlanSnapshotSchema);
 */
export function loadConfigFile<S extends z.ZodType>(path: string, schema: S): z.output<S> {
  if (path === '-') {
    const doc = parseConfigText(readStdin('-'), '(stdin)', 'yaml');
    checkConfigShape(doc, '(stdin)');
    return parseConfig(schema, doc, '(stdin)');
  }
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') {
    throw new UserError({ field: path, message: `unsupported config file type "${ext || '(none)'}"`, hint: 'use a .json, .yaml or .yml file' });
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError({ field: path, message: code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(e)})`, hint: 'check the path' });
  }
  const doc = parseConfigText(decodeUtf8(bytes, path, path), path, ext === '.json' ? 'json' : 'yaml');
  checkConfigShape(doc, path);
  return parseConfig(schema, doc, path);
}
