import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist/ once per test run so that tests of ./bin/capflow exercise the current sources,
 * as `npm run build` does (tsc, then the zod bundle: scripts/bundle-zod.mjs). Type errors do not
 * stop the emit (the test command's `tsc --noEmit` gates them).
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  } catch {
    process.stderr.write('globalSetup: tsc reported errors; dist/ was emitted anyway\n');
  }
  execFileSync(process.execPath, ['scripts/bundle-zod.mjs'], { cwd: root, stdio: 'inherit' });
}
