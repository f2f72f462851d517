/**
 * `capflow worker --redis redis://… [--queue name] [--concurrency N]`: takes study chunks from
 * the queue (see `capflow run --backend bullmq`) and runs them on N worker threads until
 * stopped (SIGINT/SIGTERM finish the running chunks first). One line per chunk on stderr (JSON
 * lines on stdout with --json).
 */
import type { Command } from 'commander';
import { defaultWorkers } from '../../sim/parallel.ts';
import { redactRedisUrl, startQueueWorker } from '../../sim/queue/index.ts';
import { redisUrlFrom } from '../queueRun.ts';
import { parseNumberFlag } from '../flags.ts';
import { toJsonText, type CommonOptions } from '../io.ts';

interface WorkerOptions extends CommonOptions {
  redis?: string;
  queue: string;
  concurrency?: string;
  lockMs?: string;
}

/** Registers `capflow worker`. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run study chunks from a Redis queue (for `capflow run --backend bullmq`) until stopped')
    .option('--redis <url>', 'Redis URL, e.g. redis://host:6379 (default: CAPFLOW_REDIS_URL)')
    .option('--queue <name>', 'queue name', 'capflow')
    .option('--concurrency <n>', 'chunks at once, one worker thread each (default: the cores)')
    .option('--lock-ms <ms>', "a chunk's lock without renewal: a killed worker's chunk is retried after about this", '30000')
    .option('--json', 'one JSON line per chunk on stdout')
    .action(async (...params: unknown[]) => {
      const opts = (params[params.length - 1] as Command).opts<WorkerOptions>();
      const redisUrl = redisUrlFrom(opts.redis);
      const concurrency = parseNumberFlag('--concurrency', opts.concurrency, { integer: true, min: 1 }, defaultWorkers());
      const lockDurationMs = parseNumberFlag('--lock-ms', opts.lockMs, { integer: true, min: 100 });
      const log = (line: Record<string, unknown>): void => {
        if (opts.json) process.stdout.write(`${toJsonText(line, 0)}\n`);
        else process.stderr.write(`${Object.entries(line).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
      };
      const worker = await startQueueWorker({
        redisUrl,
        queue: opts.queue,
        concurrency,
        lockDurationMs,
        onChunk: (e) => log({ event: e.error === undefined ? 'chunk' : 'failed', job: e.jobId, runs: e.runCount, ms: Math.round(e.ms), ...(e.error === undefined ? {} : { error: e.error }) }),
      });
      log({ event: 'ready', redis: redactRedisUrl(redisUrl), queue: opts.queue, concurrency });
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await worker.close();
      log({ event: 'stopped' });
    });
}
