/**
 * A real PostgreSQL for tests: Debian's `postgresql` binaries, `initdb` in a temporary
 * directory and the server on a free loopback port, run as an unprivileged user (`nobody` when
 * the tests run as root, as CI does: PostgreSQL refuses to run as root), stopped after.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './redis.ts';

/** Debian's PostgreSQL binary directory (the newest installed major version). */
function pgBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error("PostgreSQL binaries not found under /usr/lib/postgresql (install Debian's postgresql)");
  return join(root, versions[0], 'bin');
}

/** A command line run as the unprivileged user when we are root. */
function asUser(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'nobody', '--', cmd, ...args]] : [cmd, args];
}

/** A running test PostgreSQL. */
export interface TestPostgres {
  /** postgres://capflow@127.0.0.1:<port>/postgres (trust authentication on loopback) */
  url: string;
  /** a new empty database's URL */
  createDatabase(name: string): string;
  destroy(): Promise<void>;
}

/** Starts a throwaway PostgreSQL server. */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = pgBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'capflow-pg-'));
  chmodSync(dir, 0o700);
  if (process.getuid?.() === 0) {
    const nobody = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
    chownSync(dir, Number(nobody.stdout.trim()), Number(spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).stdout.trim()));
  }
  const data = join(dir, 'data');
  const [initCmd, initArgs] = asUser(join(bin, 'initdb'), ['-D', data, '-U', 'capflow', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const [cmd, args] = asUser(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']);
  const proc: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('ready to accept connections')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`postgres exited (${code}): ${err.slice(-500)}`)));
  });
  const psql = join(bin, 'psql');
  const url = `postgres://capflow@127.0.0.1:${port}/postgres`;
  return {
    url,
    createDatabase(name) {
      const r = spawnSync(psql, ['-h', '127.0.0.1', '-p', String(port), '-U', 'capflow', '-d', 'postgres', '-c', `CREATE DATABASE "${name}"`], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`create database ${name}: ${r.stderr}`);
      return `postgres://capflow@127.0.0.1:${port}/${name}`;
    },
    async destroy() {
      if (proc.exitCode === null) {
        await new Promise<void>((resolve) => {
          proc.once('exit', () => resolve());
          // runuser does not pass signals on: signal the postmaster itself (fast shutdown)
          const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
          process.kill(pid, 'SIGINT');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A throwaway PostgreSQL for the whole test file: started before its tests, stopped after them.
 * Returns the running server (call it inside a test or hook).
 *
 * @example const pg = usePostgres(); it('…', () => { const url = pg().createDatabase('t'); });
 */
export function usePostgres(): () => TestPostgres {
  let pg: TestPostgres | undefined;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await pg?.destroy();
  });
  return () => {
    if (pg === undefined) throw new Error('usePostgres: the server is started in beforeAll; call this inside a test or a later hook');
    return pg;
  };
}
