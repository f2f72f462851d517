/**
 * Schemas shared by several scenario files (cam, deltaNeutral, fund).
 */
import { z } from 'zod';

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
