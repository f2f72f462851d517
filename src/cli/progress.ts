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
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
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
