/** Throughput of the seeded samplers (draws per second). */
import { Rng } from '../src/core/rng.ts';

function rate(draw: (rng: Rng) => number, n: number): number {
  const rng = Rng.fromSeed(1);
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink += draw(rng);
  const seconds = (performance.now() - t0) / 1000;
  if (Number.isNaN(sink)) throw new Error('NaN draw');
  return Math.round(n / seconds);
}

export default async function bench(): Promise<Record<string, number>> {
  const n = 5_000_000;
  return {
    uniformPerSecond: rate((r) => r.uniform(), n),
    normalPerSecond: rate((r) => r.normal(), n),
    gammaPerSecond: rate((r) => r.gamma(2.5), n / 5),
  };
}
