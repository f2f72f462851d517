/**
 * A progress bar for long studies, on stderr, only when stderr is a terminal (never when
 * piped or redirected, so machine output stays clean). The bar's module (cli-progress) is
 * loaded only when a bar can show.
 */

/** Reports progress; a no-op when no bar is shown. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/** Bars on screen now, so an interrupt can clear them. */
const active = new Set<Progress>();

/** Shows the cursor again (cli-progress hides it while a bar runs) and clears the bar's line. */
const RESTORE_TERMINAL = '\r\x1b[2K\x1b[?25h';

/**
 * Stops every bar on screen, clears its line and shows the cursor again (on Ctrl-C). Returns
 * how many bars were stopped.
 *
 * @example process.once('SIGINT', () => { stopAllProgress(); process.exit(130); });
 */
export function stopAllProgress(stream: NodeJS.WriteStream = process.stderr): number {
  const bars = [...active];
  for (const bar of bars) bar.stop();
  if (bars.length > 0 && stream.isTTY) stream.write(RESTORE_TERMINAL);
  return bars.length;
}

/**
 * A bar titled `label` when `stream` is a TTY, otherwise a silent reporter.
 *
 * @example const p = await createProgress('runs'); p.update(3, 8); p.stop();
 */
export async function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Promise<Progress> {
  if (!stream.isTTY) return SILENT;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { stream, format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const progress: Progress = {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
        active.add(progress);
      }
      bar.update(done);
    },
    stop() {
      active.delete(progress);
      if (started) bar.stop();
      started = false;
    },
  };
  return progress;
}

/**
 * Runs `work` with a progress bar titled `label` ({@link createProgress}), passing it the
 * callback that moves the bar; the bar stops however `work` ends.
 *
 * @example const result = await withProgress('cam runs', (onProgress) => runScenario(scenario, { onProgress }));
 */
export async function withProgress<T>(label: string, work: (onProgress: (done: number, total: number) => void) => Promise<T>): Promise<T> {
  const progress = await createProgress(label);
  try {
    return await work((done, total) => progress.update(done, total));
  } finally {
    progress.stop();
  }
}
