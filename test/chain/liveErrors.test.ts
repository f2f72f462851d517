/**
 * `capflow plan --rpc` / `capflow execute` on the anvil Aave market: a market that moved
 * between plan and execute is refused, and bad inputs (no key, another key, wrong chain id,
 * unknown venue kind, a venue of another asset, no code, a non-vault, an RPC down) exit 2
 * with a clear message, and send nothing; an RPC failing mid-read names the venue.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { deployAaveMarket, mintTestToken, moveAaveUtilisation, type AaveMarket } from '../../src/chain/devnet/aaveMarket.ts';
import { ERC20_ABI } from '../../src/chain/abi.ts';
import { ROOT, runCli, runCliJson } from '../helpers/cli.ts';
import { ANVIL_KEYS, startAnvilClients, type Anvil } from '../helpers/anvil.ts';

const USDC = 10n ** 6n;
const dir = mkdtempSync(join(tmpdir(), 'capflow-live-errors-'));
let anvil: Anvil;
let market: AaveMarket;
let holder: `0x${string}`;
const KEY = ANVIL_KEYS[3];

function write(name: string, data: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof data === 'string' ? data : stringify(data));
  return path;
}

function liveFile(venues?: Record<string, unknown>, weights?: unknown[]): Record<string, unknown> {
  return {
    holder,
    asset: market.usdc.asset,
    rules: {
      cashBufferPct: 0.05,
      sellHaircutPct: 0.01,
      cashChangeToleranceUsd: 10,
      weights: weights ?? [{ venue: 'aave-usdc', maxConcentration: 1, maxPoolParticipation: 0.02 }],
    },
    venues: venues ?? { 'aave-usdc': { kind: 'aave-v3', pool: market.pool, asset: market.usdc.asset } },
  };
}

/** What would show that something was sent: the holder's nonce and aToken balance. */
async function holderState(): Promise<[number, bigint]> {
  const nonce = await anvil.client.getTransactionCount({ address: holder });
  const supplied = await anvil.client.readContract({ address: market.usdc.aToken, abi: ERC20_ABI, functionName: 'balanceOf', args: [holder] });
  return [nonce, supplied];
}

let batch: string;

beforeAll(async () => {
  anvil = await startAnvilClients();
  market = await deployAaveMarket({ wallet: anvil.wallet(0), client: anvil.client });
  await moveAaveUtilisation(market, { wallet: anvil.wallet(1), client: anvil.client }, { supplyUsdc: 2_000_000n * USDC, collateralWeth: 1_000n * 10n ** 18n, borrowUsdc: 1_000_000n * USDC });
  holder = anvil.wallet(3).account.address;
  await mintTestToken(market.usdc.asset, holder, 100_000n * USDC, { wallet: anvil.wallet(0), client: anvil.client });
  batch = join(dir, 'batch.json');
  const r = runCliJson(['plan', '--rpc', anvil.rpcUrl, '--input', write('live.yaml', liveFile()), '--emit-txs', batch]);
  expect(r.code).toBe(0);
  expect(r.json.plan.decisions[0].boundBy).toBe('poolParticipation');
});
afterAll(async () => anvil?.stop());

/** A JSON-RPC proxy to `target` that answers HTTP 500 to every eth_call after the first `okCalls`. */
async function startFailingProxy(target: string, okCalls: number): Promise<{ url: string; close(): Promise<void> }> {
  let calls = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const list = [JSON.parse(text)].flat();
    if (list.some((b: { method?: string }) => b.method === 'eth_call') && ++calls > okCalls) {
      res.statusCode = 500;
      res.end('upstream down');
      return;
    }
    const answer = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    res.setHeader('content-type', 'application/json');
    res.end(await answer.text());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v3/0123456789abcdef0123456789abcdef`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Runs the CLI without blocking this process (the proxy above answers from here). */
function runCliAsync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${ROOT}bin/capflow`, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('capflow execute refuses and sends nothing', () => {
  it('without CAPFLOW_PRIVATE_KEY, or with a key that is not the holder', async () => {
    const before = await holderState();
    const none = runCli(['execute', batch, '--rpc', anvil.rpcUrl], { env: { CAPFLOW_PRIVATE_KEY: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/CAPFLOW_PRIVATE_KEY: is not set/);
    const bad = runCli(['execute', batch, '--rpc', anvil.rpcUrl], { env: { CAPFLOW_PRIVATE_KEY: '0x1234' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a 0x-prefixed 32-byte hex private key \(value not shown\)/);
    expect(bad.stderr).not.toMatch(/0x1234/);
    const other = runCli(['execute', batch, '--rpc', anvil.rpcUrl], { env: { CAPFLOW_PRIVATE_KEY: ANVIL_KEYS[1] } });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/not to the batch's holder/);
    expect(other.stderr + other.stdout).not.toContain(ANVIL_KEYS[1].slice(2));
    expect(await holderState()).toEqual(before);
  });

  it('for a batch of another chain, and when the RPC is down', async () => {
    const before = await holderState();
    const doc = JSON.parse(readFileSync(batch, 'utf8'));
    const otherChain = write('other-chain.json', JSON.stringify({ ...doc, chainId: '1' }));
    const wrong = runCli(['execute', otherChain, '--rpc', anvil.rpcUrl], { env: { CAPFLOW_PRIVATE_KEY: KEY } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/serves chain 31337, the batch is for chain 1; nothing was sent/);
    const down = runCli(['execute', batch, '--rpc', 'http://127.0.0.1:1'], { env: { CAPFLOW_PRIVATE_KEY: KEY } });
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/--rpc: the RPC does not answer/);
    expect(await holderState()).toEqual(before);
  });

  it('when another account moved the reserve between plan and execute (drift), then --dry-run and a fresh plan pass', async () => {
    const before = await holderState();
    await moveAaveUtilisation(market, { wallet: anvil.wallet(1), client: anvil.client }, { supplyUsdc: 1_000_000n * USDC, collateralWeth: 0n, borrowUsdc: 0n });
    const r = runCli(['execute', batch, '--rpc', anvil.rpcUrl], { env: { CAPFLOW_PRIVATE_KEY: KEY } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--max-drift-usd: the chain moved since block \d+: re-planned at block \d+, the trades differ by [\d.]+ USD \(aave-usdc planned [\d.]+ now [\d.]+ USD\); nothing was sent/);
    expect(await holderState()).toEqual(before);
    const fresh = join(dir, 'fresh.json');
    expect(runCli(['plan', '--rpc', anvil.rpcUrl, '--input', join(dir, 'live.yaml'), '--emit-txs', fresh]).code).toBe(0);
    const dry = runCliJson(['execute', fresh, '--rpc', anvil.rpcUrl, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.json.simulated.map((s: any) => s.ok)).toEqual([true, true]);
    expect(await holderState()).toEqual(before);
  });
});

describe('capflow plan --rpc refuses bad venues, naming them', () => {
  const cases: [string, () => Record<string, unknown>, RegExp][] = [
    ['an unknown venue kind', () => liveFile({ 'aave-usdc': { kind: 'compound-v2', address: market.pool } }), /venues\.aave-usdc/],
    ['a reserve of another asset', () => liveFile({ 'aave-usdc': { kind: 'aave-v3', pool: market.pool, asset: market.weth.asset } }), /venues\.aave-usdc\.asset: is not the fund's asset/],
    ['an address without code', () => liveFile({ 'aave-usdc': { kind: 'erc4626', address: holder } }), /venues\.aave-usdc: vault 0x[0-9a-fA-F]{40} has no contract code at block \d+/],
    ['a contract that is not a vault', () => liveFile({ 'aave-usdc': { kind: 'erc4626', address: market.usdc.asset } }), /venues\.aave-usdc: reading asset.* failed/],
    ['a pool that does not list the asset', () => ({ ...liveFile({ x: { kind: 'aave-v3', pool: market.pool, asset: market.usdc.aToken } }, [{ venue: 'x', maxConcentration: 1 }]), asset: market.usdc.aToken }), /venues\.x: pool 0x[0-9a-fA-F]{40} has no reserve for asset/],
    ['the wrong chain id', () => ({ ...liveFile(), chainId: 1 }), /chainId: the RPC serves chain 31337, the plan file names chain 1/],
  ];
  for (const [what, file, message] of cases) {
    it(`exits 2 for ${what}, writing nothing`, () => {
      const out = join(dir, `snap-${what.replace(/\W+/g, '-')}.yaml`);
      const r = runCli(['plan', '--rpc', anvil.rpcUrl, '--input', write('bad.yaml', file()), '--snapshot-out', out]);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
      expect(() => readFileSync(out)).toThrow();
    });
  }

  it('exits 2 naming the venue when the RPC fails mid-read, writing nothing', async () => {
    const proxy = await startFailingProxy(anvil.rpcUrl, 2); // the third eth_call on fails
    try {
      const out = join(dir, 'snap-mid-read.yaml');
      const r = await runCliAsync(['plan', '--rpc', proxy.url, '--input', write('mid.yaml', liveFile()), '--snapshot-out', out]);
      expect(r.stderr).toMatch(/^capflow: venues\.aave-usdc: reading .* at block \d+ failed: /);
      expect(r.stderr).not.toContain(proxy.url);
      expect(r.code).toBe(2);
      expect(() => readFileSync(out)).toThrow();
    } finally {
      await proxy.close();
    }
  });

  it('exits 2 for an RPC that is down, and for --block without --rpc', () => {
    const down = runCli(['plan', '--rpc', 'http://127.0.0.1:1', '--input', write('ok.yaml', liveFile())]);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/--rpc: the RPC does not answer/);
    const noRpc = runCli(['plan', '--input', write('ok.yaml', liveFile()), '--block', '3']);
    expect(noRpc.code).toBe(2);
    expect(noRpc.stderr).toMatch(/--block: needs --rpc/);
  });
});
