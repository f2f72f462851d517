/**
 * The part of zod capflow uses, in one module: every schema in src/ is built from these names
 * (`import * as z from '../core/zod.ts'`), never from 'zod' directly (a test checks it).
 *
 * Why: zod's package entry loads about 95 modules (60 of them error-message locales), about
 * 45 ms of a fresh process on this machine, which every command that validates a file paid
 * (issue 17: `capflow plan` on 1,000 venues under 100 ms). The build
 * (`scripts/bundleZod.mjs`) replaces the compiled dist/core/zod.js with this module bundled
 * together with zod, tree-shaken to these names and the English messages: about 100 kB that
 * load in a few milliseconds. The sources and the tests (run from src/) use zod itself; the
 * schemas, parses and messages are the same in both.
 *
 * To use another zod function in src/, add it here.
 *
 * @example
 * import * as z from '../core/zod.ts';
 * const Venue = z.strictObject({ id: z.string(), capUsd: z.number().min(0) });
 * type Venue = z.output<typeof Venue>;
 */
import { config } from 'zod';
import { en } from 'zod/locales';

config(en());

export {
  array,
  boolean,
  discriminatedUnion,
  enum,
  iso,
  literal,
  looseObject,
  number,
  object,
  partialRecord,
  record,
  strictObject,
  string,
  union,
  unknown,
} from 'zod';
export type { input, output, ZodType } from 'zod';
