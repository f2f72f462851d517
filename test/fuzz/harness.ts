/**
 * The fuzz harness: runs capflow's main(argv) in a worker thread (fast: no process per case),
 * with a time limit per case (a hang terminates the worker and is a violation) and a heap limit
 * (running out of memory kills the worker: a violation too).
 */
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.ts';

/** What one case did. */
export interface CaseResult {
  /** exit code, or 'hang' (no answer in time), or 'crash' (the worker died: out of memory, …) */
  code: number | 'hang' | 'crash';
  stdout: string;
  stderr: string;
}

/** Heap the CLI may use per case, MiB: more means it did not refuse an input it cannot run. */
const HEAP_LIMIT_MB = 1024;

/**
 * Runs CLI cases one at a time in a worker thread.
 *
 * @example const cli = new InProcessCli(); const r = await cli.run(['lending', 'rates', '--utilization', '0.5']); await cli.close();
 */
export class InProcessCli {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 0;

  private start(): Promise<void> {
    const worker = new Worker(join(ROOT, 'test/fuzz/cliWorker.mjs'), {
      workerData: { mainUrl: pathToFileURL(join(ROOT, 'dist/cli/main.js')).href },
      resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB },
      stdout: true,
      stderr: true,
    });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return this.ready;
  }

  /** Runs `argv`; gives up after `timeoutMs` (the worker is replaced). */
  async run(argv: string[], timeoutMs = 20_000): Promise<CaseResult> {
    if (this.worker === null) await this.start();
    else await this.ready;
    const worker = this.worker as Worker;
    const id = this.nextId++;
    return new Promise<CaseResult>((resolve) => {
      let settled = false;
      const finish = (r: CaseResult, restart: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (restart) {
          this.worker = null;
          void worker.terminate();
        }
        resolve(r);
      };
      const onMessage = (m: { id?: number; code: number; stdout: string; stderr: string }): void => {
        if (m.id === id) finish({ code: m.code, stdout: m.stdout, stderr: m.stderr }, false);
      };
      const onError = (e: Error): void => finish({ code: 'crash', stdout: '', stderr: String(e.stack ?? e) }, true);
      const onExit = (c: number): void => finish({ code: 'crash', stdout: '', stderr: `worker exited (${c})` }, true);
      const timer = setTimeout(() => finish({ code: 'hang', stdout: '', stderr: `no answer in ${timeoutMs} ms` }, true), timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, argv });
    });
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    if (this.worker !== null) await this.worker.terminate();
    this.worker = null;
  }
}
