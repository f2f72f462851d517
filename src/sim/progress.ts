/**
 * A progress bar for long studies, on stderr, only when stderr is a terminal (never when
 * piped or redirected, so machine output stays clean).
 */
import cliProgress from 'cli-progress';

/** Reports progress; a no-op when no bar is shown. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A bar titled `label` when `stream` is a TTY, otherwise a silent reporter.
 *
 * @example const p = createProgress('runs'); p.update(3, 8); p.stop();
 */
export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
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
