/**
 * Parameter sweeps, as radCAD builds them: each swept parameter has a list of values and the
 * sweep yields one parameter subset per combination.
 *
 * - `cartesian`: every combination; the first parameter varies slowest.
 * - `zip`: the i-th values of every list together; shorter lists repeat their last value
 *   (radCAD's rule), so the subset count is the longest list's length.
 *
 * Parameter names are paths into the parameter object: `rebalanceDurationDays`,
 * `deposits.1.yield.value` (array indexes as numbers).
 */
import { UserError } from '../core/errors.ts';

/** How swept lists combine. */
export type SweepMode = 'cartesian' | 'zip';

/** Swept parameters: path → values. @example { rebalanceDurationDays: [15, 30], movingAverageWindow: [3, 7] } */
export type SweepValues = Record<string, readonly unknown[]>;

/**
 * The overrides of every subset, in subset order.
 *
 * @example
 * sweepOverrides({ a: [1, 2], b: [3, 4] }, 'cartesian') // [{a:1,b:3},{a:1,b:4},{a:2,b:3},{a:2,b:4}]
 * sweepOverrides({ a: [1, 2], b: [3] }, 'zip')          // [{a:1,b:3},{a:2,b:3}]
 */
export function sweepOverrides(values: SweepValues, mode: SweepMode): Record<string, unknown>[] {
  const keys = Object.keys(values);
  for (const key of keys) {
    if (values[key].length === 0) throw new UserError({ field: `sweep.parameters.${key}`, message: 'needs at least one value' });
  }
  if (keys.length === 0) return [{}];
  if (mode === 'zip') {
    const count = Math.max(...keys.map((k) => values[k].length));
    return Array.from({ length: count }, (_, i) =>
      Object.fromEntries(keys.map((k) => [k, values[k][Math.min(i, values[k].length - 1)]])),
    );
  }
  let combos: Record<string, unknown>[] = [{}];
  for (const key of keys) combos = combos.flatMap((c) => values[key].map((v) => ({ ...c, [key]: v })));
  return combos;
}

/**
 * A deep copy of `base` with `value` set at the dotted `path` (the path must exist).
 *
 * @example withPath({ a: { b: [1, 2] } }, 'a.b.1', 5) // { a: { b: [1, 5] } }
 */
export function withPath<T>(base: T, path: string, value: unknown, field = `sweep.parameters.${path}`): T {
  const copy = structuredClone(base) as unknown;
  const parts = path.split('.');
  let cur = copy as Record<string, unknown>;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (next === null || typeof next !== 'object') throw new UserError({ field, message: `no parameter at "${parts.slice(0, i + 1).join('.')}"`, hint: 'sweep keys are paths into params' });
    cur = next as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (!(last in cur)) throw new UserError({ field, message: `no parameter "${path}"`, hint: 'sweep keys are paths into params that the file sets or that have defaults' });
  cur[last] = value;
  return copy as T;
}

/**
 * The parameter subsets of a sweep over `base` (just `[base]` without swept values).
 *
 * @example expandSweep({ a: 1, b: 2 }, { a: [1, 3] }, 'cartesian') // [{a:1,b:2},{a:3,b:2}]
 */
export function expandSweep<P>(base: P, values: SweepValues, mode: SweepMode): P[] {
  return sweepOverrides(values, mode).map((o) => Object.entries(o).reduce((p, [k, v]) => withPath(p, k, v), base));
}
