/**
 * Writes the example history under examples/data/ (generated, seeded, so the repository may
 * ship it; the real series in ../shared/data carry no licence and stay out of the package):
 *
 *   node --import tsx scripts/generate-example-history.ts [outDir=examples/data]
 *
 * 2023-01-01 .. 2024-06-30 (547 days), three files in three formats:
 * - `lending-usdc.csv`: a lending reserve, one row a day. Utilisation follows a mean-reverting
 *   process with a stress spell in 2023-08; the supply rate (APR, percent) comes from a kinked
 *   borrow curve × utilisation × (1 − 10 % reserve factor). Quoted header names with spaces.
 * - `vault-usdc.jsonl`: an ERC-4626 vault, four rows a day (00, 06, 12, 18 h UTC) with its
 *   share price and total assets; import with `--resample last`.
 * - `eth-usd.csv`: a daily ETH price (GBM, 60 %/yr vol).
 * The same seed gives the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../src/core/rng.ts';
import { gbmStep } from '../src/market/prices.ts';
import { meanRevertingCoefficients, meanRevertingStep } from '../src/market/processes.ts';

const SEED = 2023;
const FIRST = Date.UTC(2023, 0, 1);
const DAYS = 547;
const DAY_MS = 86_400_000;
const outDir = process.argv[2] ?? 'examples/data';

function date(day: number, hours = 0): string {
  return new Date(FIRST + day * DAY_MS + hours * 3_600_000).toISOString();
}

/** Kinked borrow rate: 0 → 4 % at the 90 % kink, then steeply to 64 % at 100 %. */
function borrowApr(u: number): number {
  return u <= 0.9 ? (0.04 * u) / 0.9 : 0.04 + (0.6 * (u - 0.9)) / 0.1;
}

function lendingCsv(): string {
  const rng = Rng.named(SEED, 0, 'example:lending-usdc');
  const c = meanRevertingCoefficients(25, 0.35, 1 / 365);
  let u = 0.78;
  let tvl = 4.0e8;
  const lines = ['"Day (UTC)","Supply APR (%)","Total supplied, USD","Total borrowed, USD"'];
  for (let d = 0; d < DAYS; d++) {
    const stress = d >= 210 && d < 222 ? 0.97 : 0.8; // 2023-07-30 .. 2023-08-10: a run on the reserve
    u = Math.min(0.995, Math.max(0.3, meanRevertingStep(u, stress, c.decay, c.noiseStd, rng.normal())));
    tvl = gbmStep(tvl, 0.02, 0.0004, rng.normal());
    const supplyApr = borrowApr(u) * u * 0.9;
    lines.push(`${date(d).slice(0, 10)},${(supplyApr * 100).toFixed(6)},${tvl.toFixed(2)},${(tvl * u).toFixed(2)}`);
  }
  return `${lines.join('\n')}\n`;
}

function vaultJsonl(): string {
  const rng = Rng.named(SEED, 0, 'example:vault-usdc');
  const c = meanRevertingCoefficients(40, 0.25, 1 / (365 * 4));
  let apy = 0.07;
  let price = 1.0213;
  let assets = 6.0e7;
  const lines: string[] = [];
  for (let d = 0; d < DAYS; d++) {
    for (const h of [0, 6, 12, 18]) {
      if (d > 0 || h > 0) {
        apy = Math.max(0, meanRevertingStep(apy, 0.065, c.decay, c.noiseStd, rng.normal()));
        price *= Math.pow(1 + apy, 1 / (365 * 4));
        assets = gbmStep(assets, 0.015, 0.0002, rng.normal());
      }
      lines.push(JSON.stringify({ timestamp: date(d, h), share_price: Number(price.toPrecision(15)), total_assets_usd: Math.round(assets) }));
    }
  }
  return `${lines.join('\n')}\n`;
}

function ethCsv(): string {
  const rng = Rng.named(SEED, 0, 'example:eth-usd');
  let price = 1200;
  const lines = ['date,price'];
  for (let d = 0; d < DAYS; d++) {
    if (d > 0) price = gbmStep(price, 0.6 / Math.sqrt(365), 0.0005, rng.normal());
    lines.push(`${date(d).slice(0, 10)},${price.toFixed(2)}`);
  }
  return `${lines.join('\n')}\n`;
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'lending-usdc.csv'), lendingCsv());
writeFileSync(join(outDir, 'vault-usdc.jsonl'), vaultJsonl());
writeFileSync(join(outDir, 'eth-usd.csv'), ethCsv());
process.stdout.write(`wrote lending-usdc.csv, vault-usdc.jsonl, eth-usd.csv to ${outDir}\n`);
