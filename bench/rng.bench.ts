/** Throughput of the seeded samplers (draws per second). */
import { Rng } from '../src/core/rng.ts';
import { workload, type WorkloadResult } from './report.ts';

function rate(draw: (rng: Rng) => number, n: number): number {
  const rng = Rng.fromSeed(1);
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink += draw(rng);
  const seconds = (performance.now() - t0) / 1000;
  if (Number.isNaN(sink)) throw new Error('NaN draw');
  return Math.round(n / seconds);
}

export default async function bench(): Promise<WorkloadResult[]> {
  const n = 5_000_000;
  const none = { kind: 'aim' as const, value: null, unit: 'draws/s', what: 'none', absentReason: 'no aim: a component of the Monte Carlo figures' };
  const rateOf = (value: number): { value: number; unit: string; higherIsBetter: boolean } => ({ value, unit: 'draws/s', higherIsBetter: true });
  return [
    workload('rng.uniform', 'seeded uniform draws', rateOf(rate((r) => r.uniform(), n)), none),
    workload('rng.normal', 'seeded normal draws', rateOf(rate((r) => r.normal(), n)), none),
    workload('rng.gamma', 'seeded gamma(2.5) draws', rateOf(rate((r) => r.gamma(2.5), n / 5)), none),
  ];
}
