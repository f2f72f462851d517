/**
 * Schemas shared by several scenario files (cam, deltaNeutral, fund).
 */
import * as z from '../core/zod.ts';
import { UserError } from '../core/errors.ts';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/**
 * A rate process in a scenario file (see src/market/processes.ts).
 *
 * @example RateProcessSchema.parse({ kind: 'constant', value: 0.05 })
 */
export const RateProcessSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant'), value: finite }),
  z.strictObject({ kind: z.literal('series'), values: z.array(finite).min(1) }),
  z.strictObject({ kind: z.literal('sinusoid'), mean: finite, amplitude: finite, periodSteps: finite.refine((x) => x > 0, 'must be > 0'), phaseRad: finite.optional() }),
  z.strictObject({
    kind: z.literal('meanReverting'),
    level: finite,
    speed: finite.refine((x) => x >= 0, 'must be >= 0'),
    vol: finite.refine((x) => x >= 0, 'must be >= 0'),
    initial: finite.optional(),
  }),
]);

/**
 * A UserError thrown by code shared with the CLI, renamed for a scenario file: its field, and
 * every flag named in its message and hint, become scenario paths (`--short-leverage` →
 * `params.short.leverage`). Flags without an entry in `paths` are left as they are; other
 * errors pass through.
 *
 * @example throw flagsToPaths(e, { '--band': 'params.rebalance.band' });
 */
export function flagsToPaths(e: unknown, paths: Readonly<Record<string, string>>): unknown {
  if (!(e instanceof UserError)) return e;
  const flags = Object.keys(paths).sort((a, b) => b.length - a.length); // longest first: --from/--to before --from
  if (flags.length === 0) return e;
  const pattern = new RegExp(flags.map((f) => f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|') + '(?![\\w-])', 'g');
  const rename = (text: string): string => text.replace(pattern, (flag) => paths[flag]);
  return new UserError({ field: e.field === undefined ? undefined : (paths[e.field] ?? e.field), value: e.value, message: rename(e.detail), hint: e.hint === undefined ? undefined : rename(e.hint), cause: e });
}
