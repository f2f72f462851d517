/**
 * The README's devnet session, run line by line as a user would: `chain demo --market` in the
 * background (terminal 1), then every command of the README's block (terminal 2) with the
 * printed port, in a fresh folder; each exits 0, verify finds the fund's books equal to the
 * chain, the last plan has no trades, and Ctrl-C stops the demo with exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';

/** The commands of the README block after the `market-demo-session` marker, comments stripped. */
function readmeSession(): string[][] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- market-demo-session -->');
  expect(start).toBeGreaterThan(0);
  const block = readme.slice(readme.indexOf('```sh\n', start) + 6, readme.indexOf('\n```', start + 40));
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(/\s+/));
}

let demo: ChildProcess | undefined;
afterAll(() => {
  demo?.kill('SIGKILL');
});

describe("the README's plan → batch → execute → verify session on the demo market", () => {
  it('runs every command of the README block', async () => {
    const commands = readmeSession();
    const [first, ...rest] = commands;
    expect(first.slice(0, 4)).toEqual(['./bin/capflow', 'chain', 'demo', '--market']);
    const cwd = mkdtempSync(join(tmpdir(), 'capflow-readme-'));
    demo = spawn(process.execPath, [join(ROOT, 'bin/capflow'), ...first.slice(1)], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let demoOut = '';
    demo.stdout?.on('data', (d: Buffer) => (demoOut += d.toString()));
    demo.stderr?.on('data', (d: Buffer) => (demoOut += d.toString()));
    const exited = new Promise<number | null>((resolve) => demo?.once('exit', (code) => resolve(code)));
    const marketFile = join(cwd, first[first.indexOf('--dir') + 1], 'market.json');
    const deadline = Date.now() + 240_000;
    while (!existsSync(marketFile) || !/Ctrl-C stops it/.test(demoOut)) {
      if (Date.now() > deadline || demo.exitCode !== null) throw new Error(`the demo market did not come up: ${demoOut}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const port = new URL(JSON.parse(readFileSync(marketFile, 'utf8')).rpcUrl).port;
    expect(demoOut).toContain(`http://127.0.0.1:${port}`);

    const env: Record<string, string> = {};
    const outputs: string[] = [];
    for (const tokens of rest) {
      if (tokens[0] === 'export') {
        const [name, value] = tokens[1].split('=');
        env[name] = value;
        continue;
      }
      expect(tokens[0]).toBe('./bin/capflow');
      const args = tokens.slice(1).map((t) => t.replace('PORT', port));
      const r = runCli(args, { cwd, env });
      expect(r.stderr, `${args.join(' ')}`).toBe('');
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(0);
      outputs.push(r.stdout);
    }
    expect(outputs.join('\n')).toMatch(/equal to the chain at block \d+: 4 figures compared/);
    expect(outputs[outputs.length - 1]).toMatch(/^No trades\.$/m);

    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(demoOut).toMatch(/Stopped anvil \(SIGINT\)\./);
  });
});
