/**
 * A local EVM for tests, the demo and benchmarks: anvil from the `@foundry-rs/anvil` npm
 * package (its binary ships in the platform package; nothing is downloaded), on a free port,
 * with `--prune-history` so chain states stay in memory and nothing is written under
 * `~/.foundry`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { devDependencyPath } from './solc.ts';

/**
 * A running anvil.
 *
 * @example const anvil = await startAnvil(); try { … anvil.rpcUrl … } finally { await anvil.stop(); }
 */
export interface Anvil {
  /** `http://127.0.0.1:<port>`. */
  rpcUrl: string;
  port: number;
  chainId: number;
  /** Stops the process and waits for it to exit (safe to call twice). */
  stop(): Promise<void>;
}

/**
 * Options of {@link startAnvil}.
 *
 * @example await startAnvil({ chainId: 31337, historyStates: 5000 })
 */
export interface AnvilOptions {
  /** Chain id (default 31337). */
  chainId?: number;
  /** Chain states kept in memory for reads at past blocks and reorgs (default 20,000). */
  historyStates?: number;
  /** Dev accounts (default 10), each with 10,000 ETH, unlocked for `eth_sendTransaction`. */
  accounts?: number;
  /** Milliseconds to wait for the RPC to answer (default 15,000). */
  startTimeoutMs?: number;
}

/**
 * The anvil binary of the installed platform package.
 *
 * @example anvilBinaryPath() // '…/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil'
 */
export function anvilBinaryPath(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  const binary = join(dirname(devDependencyPath(`${pkg}/package.json`)), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
  if (!existsSync(binary)) throw new UserError({ message: `${pkg} has no anvil binary`, hint: 'reinstall it: npm install' });
  return binary;
}

/** A TCP port that was free a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function answers(rpcUrl: string): Promise<boolean> {
  try {
    const res = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' });
    return res.ok;
  } catch {
    return false;
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every anvil this process started when it exits (a test runner that is stopped, Ctrl-C). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

async function launch(port: number, opts: AnvilOptions): Promise<{ child: ChildProcess; exited: Promise<void>; output: () => string }> {
  const args = [
    '--host', '127.0.0.1', '--port', String(port),
    '--chain-id', String(opts.chainId ?? 31337),
    '--accounts', String(opts.accounts ?? 10),
    '--prune-history', String(opts.historyStates ?? 20_000),
    '--silent',
  ];
  const child = spawn(anvilBinaryPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    running.delete(child);
    resolve();
  }));
  return { child, exited, output: () => stderr };
}

/**
 * Starts anvil on a free port and waits until it answers RPC.
 *
 * @example
 * const anvil = await startAnvil();
 * const client = createPublicClient({ transport: http(anvil.rpcUrl) });
 * await anvil.stop();
 */
export async function startAnvil(opts: AnvilOptions = {}): Promise<Anvil> {
  installExitHook();
  const timeoutMs = opts.startTimeoutMs ?? 15_000;
  let lastOutput = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const rpcUrl = `http://127.0.0.1:${port}`;
    const { child, exited, output } = await launch(port, opts);
    let dead = false;
    void exited.then(() => (dead = true));
    const deadline = Date.now() + timeoutMs;
    while (!dead && Date.now() < deadline) {
      if (await answers(rpcUrl)) {
        const stop = async (): Promise<void> => {
          if (!dead) child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(timer);
        };
        return { rpcUrl, port, chainId: opts.chainId ?? 31337, stop };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    lastOutput = output();
    child.kill('SIGKILL');
    await exited;
  }
  throw new Error(`anvil did not start: ${lastOutput.trim() || 'no output'}`);
}
