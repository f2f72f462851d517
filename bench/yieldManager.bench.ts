/**
 * Yield manager planning speed (issue 17): `capflow plan` on a 1,000-venue snapshot as a user
 * runs it — whole processes on dist/, YAML and JSON, minus `capflow --help` (the CLI's start-up)
 * measured in the same rounds — the stages of one such run timed inside a fresh process
 * (bench/planStages.mjs: parse, validate, plan, JSON; every call the first), and the kernel
 * warm, one plan of 10, 100 and 1,000 venues. The snapshot is generated here (deterministic).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createYieldState, createYieldWorkspace, planYieldInto, type YieldPolicy, type YieldVenueRule } from '../src/strategies/yieldManager.ts';
import { workload, type WorkloadResult } from './report.ts';
import { ROOT, timeCli } from './util.ts';

/** Venues of the snapshot the CLI figures plan. */
const SNAPSHOT_VENUES = 1000;
/** Interleaved rounds of the whole-process figures (help, YAML, JSON, human output). */
const ROUNDS = 9;
/** Fresh processes timing the stages. */
const STAGE_RUNS = 7;

function fund(venueCount: number): { policy: YieldPolicy; state: ReturnType<typeof createYieldState> } {
  const venues: YieldVenueRule[] = Array.from({ length: venueCount }, (_, i) => ({
    venue: `v${i}`,
    kind: i % 2 === 0 ? 'vault' : 'credit_supply',
    maxConcentration: i === venueCount - 1 ? 1 : 1 / venueCount,
    maxPoolParticipation: 0.05,
    maxUsd: i % 3 === 0 ? 50_000 : null,
    withdrawDelayDays: i % 7 === 0 ? 3 : 0,
    entryCostUsd: 10,
    exitCostPct: 0.001,
  }));
  const state = createYieldState(venueCount);
  state.cashUsd = 1_000_000;
  state.totalEquityUsd = 20_000_000;
  state.directionalBuyUsd = 250_000;
  state.directionalSellUsd = 100_000;
  state.pendingRedemptionsUsd = 50_000;
  for (let i = 0; i < venueCount; i++) {
    state.existingUsd[i] = 15_000_000 / venueCount;
    state.tvlUsd[i] = 5_000_000 + 1_000 * i;
    state.sharePrice[i] = i % 2 === 0 ? 1.05 : NaN;
    state.availableLiquidityUsd[i] = i % 5 === 0 ? 1_000 : Infinity;
    state.apy[i] = 0.03 + (i % 10) / 200;
  }
  return { policy: { rules: { cashBufferPct: 0.05, sellHaircutPct: 0.01, cashChangeToleranceUsd: 5, horizonDays: 30 }, venues }, state };
}

function measure(venueCount: number): { plansPerSecond: number; microsecondsPerPlan: number; nanosecondsPerVenue: number } {
  const { policy, state } = fund(venueCount);
  const ws = createYieldWorkspace(venueCount);
  const plans = Math.max(200, Math.round(2_000_000 / venueCount));
  let sink = 0;
  for (let i = 0; i < plans / 10; i++) sink += planYieldInto(policy, state, ws).allocatedUsd; // warm-up
  const t0 = performance.now();
  for (let i = 0; i < plans; i++) {
    state.cashUsd = 1_000_000 + (i % 100); // a different day each plan
    sink += planYieldInto(policy, state, ws).allocatedUsd;
  }
  const ms = performance.now() - t0;
  if (Number.isNaN(sink)) throw new Error('NaN plan');
  const perPlanUs = (ms * 1000) / plans;
  return { plansPerSecond: Math.round(plans / (ms / 1000)), microsecondsPerPlan: +perPlanUs.toFixed(3), nanosecondsPerVenue: +((perPlanUs * 1000) / venueCount).toFixed(1) };
}

/**
 * A valid `capflow plan` snapshot of `venueCount` venues: all three kinds, caps of each sort,
 * redemption delays, positions to trim and cash to place, so the plan moves money both ways.
 *
 * @example writeFileSync('v.json', JSON.stringify(planSnapshot(1000)));
 */
export function planSnapshot(venueCount: number): Record<string, unknown> {
  const weights: Record<string, unknown>[] = [];
  const venues: Record<string, Record<string, unknown>> = {};
  const positionsUsd: Record<string, number> = {};
  let positionsTotalUsd = 0;
  for (let i = 0; i < venueCount; i++) {
    const name = `venue-${String(i).padStart(4, '0')}`;
    const kind = (['credit_supply', 'vault', 'async_vault'] as const)[i % 3];
    weights.push({ venue: name, maxConcentration: i === venueCount - 1 ? 1 : 2 / venueCount, ...(i % 2 === 0 ? { maxPoolParticipation: 0.05 } : {}), ...(i % 5 === 0 ? { maxUsd: 40_000 } : {}) });
    const positionUsd = 5_000 + (i % 17) * 1_500;
    positionsUsd[name] = positionUsd;
    positionsTotalUsd += positionUsd;
    venues[name] = {
      kind,
      tvlUsd: 200_000 + (i % 23) * 50_000,
      apy: 0.02 + (i % 11) / 200,
      entryCostUsd: 1 + (i % 4),
      ...(kind === 'credit_supply' ? {} : { sharePrice: 1 + (i % 9) / 100 }),
      ...(kind === 'async_vault' ? { withdrawDelayDays: 3, availableLiquidityUsd: 2_000, exitCostPct: 0.001 } : {}),
    };
  }
  const cashUsd = 3_000_000;
  return {
    asOf: '2026-01-01T00:00:00.000Z',
    rules: { cashBufferPct: 0.04, sellHaircutPct: 0.01, cashChangeToleranceUsd: 50, horizonDays: 30, weights },
    venues,
    cashUsd,
    positionsUsd,
    totalEquityUsd: cashUsd + positionsTotalUsd + 5_000_000,
    pendingRedemptionsUsd: 60_000,
    directionalTrades: [
      { side: 'buy', reserveUsd: 150_000 },
      { side: 'sell', reserveUsd: 40_000 },
    ],
  };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round1 = (x: number): number => Number(x.toFixed(1));

/** Whole processes, interleaved round by round so that each plan run has its own `--help` run beside it. */
function processTimes(yamlPath: string, jsonPath: string): Record<'help' | 'yaml' | 'json' | 'human', { wallMs: number[]; cpuMs: number[] }> & { identical: boolean; trades: number } {
  const runs = { help: ['--help'], yaml: ['plan', '--input', yamlPath, '--json'], json: ['plan', '--input', jsonPath, '--json'], human: ['plan', '--input', yamlPath] };
  const out = { help: { wallMs: [] as number[], cpuMs: [] as number[] }, yaml: { wallMs: [] as number[], cpuMs: [] as number[] }, json: { wallMs: [] as number[], cpuMs: [] as number[] }, human: { wallMs: [] as number[], cpuMs: [] as number[] } };
  let identical = true;
  let trades = 0;
  timeCli(runs.help); // the first process after a build reads cold files
  for (let round = 0; round < ROUNDS; round++) {
    const stdout: Record<string, string> = {};
    for (const [name, args] of Object.entries(runs) as [keyof typeof runs, string[]][]) {
      const r = timeCli(args);
      out[name].wallMs.push(r.seconds * 1000);
      if (r.cpuSeconds !== null) out[name].cpuMs.push(r.cpuSeconds * 1000);
      stdout[name] = r.stdout;
    }
    identical &&= stdout.yaml === stdout.json;
    trades = (JSON.parse(stdout.json) as { trades: unknown[] }).trades.length;
  }
  return { ...out, identical, trades };
}

/** Median stage times of `capflow plan`'s work in fresh processes (bench/planStages.mjs). */
function stageTimes(path: string): Record<string, number> {
  const runs: Record<string, number>[] = [];
  for (let i = 0; i < STAGE_RUNS; i++) {
    const r = spawnSync(process.execPath, [join(ROOT, 'bench/planStages.mjs'), path], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`planStages exited ${r.status}: ${r.stderr}`);
    runs.push(JSON.parse(r.stdout) as Record<string, number>);
  }
  return Object.fromEntries(Object.keys(runs[0]).map((k) => [k, round1(median(runs.map((r) => r[k])))]));
}

export default async function bench(): Promise<WorkloadResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'capflow-plan-bench-'));
  try {
    const snapshot = planSnapshot(SNAPSHOT_VENUES);
    const yamlPath = join(dir, `venues${SNAPSHOT_VENUES}.yaml`);
    const jsonPath = join(dir, `venues${SNAPSHOT_VENUES}.json`);
    writeFileSync(yamlPath, stringify(snapshot));
    writeFileSync(jsonPath, JSON.stringify(snapshot, null, 2));
    const p = processTimes(yamlPath, jsonPath);
    const beyondHelp = (name: 'yaml' | 'json' | 'human'): number => median(p[name].wallMs.map((ms, i) => ms - p.help.wallMs[i]));
    const stagesYaml = stageTimes(yamlPath);
    const stagesJson = stageTimes(jsonPath);
    const v10 = measure(10);
    const v100 = measure(100);
    const v1000 = measure(1000);
    const processDetail = {
      rounds: ROUNDS,
      helpMs: round1(median(p.help.wallMs)),
      planYamlMs: round1(median(p.yaml.wallMs)),
      planJsonMs: round1(median(p.json.wallMs)),
      planHumanMs: round1(median(p.human.wallMs)),
      humanBeyondHelpMs: round1(beyondHelp('human')),
      cpuMs: p.help.cpuMs.length > 0 ? { help: round1(median(p.help.cpuMs)), yaml: round1(median(p.yaml.cpuMs)), json: round1(median(p.json.cpuMs)), human: round1(median(p.human.cpuMs)) } : null,
      yamlAndJsonPlansIdentical: p.identical,
      trades: p.trades,
    };
    const wholeProcess = (format: string, file: string): string => `whole \`capflow plan --input ${file} --json\` process on a ${SNAPSHOT_VENUES.toLocaleString('en-US')}-venue ${format} snapshot, minus \`capflow --help\` (the CLI's start-up, run beside it in each round; medians)`;
    return [
      workload('yieldManager.planYaml', wholeProcess('YAML', 'venues1000.yaml'), { value: beyondHelp('yaml'), unit: 'ms', higherIsBetter: false }, { kind: 'aim', value: 100, unit: 'ms', what: '< 100 ms beyond start-up, reading the file included (issue 17)' }, { detail: { ...processDetail, stagesMs: stagesYaml } }),
      workload('yieldManager.planJson', wholeProcess('JSON', 'venues1000.json'), { value: beyondHelp('json'), unit: 'ms', higherIsBetter: false }, { kind: 'aim', value: 100, unit: 'ms', what: '< 100 ms beyond start-up, reading the file included (issue 17)' }, { detail: { ...processDetail, stagesMs: stagesJson } }),
      workload('yieldManager.planFirstCall', `planning itself in a fresh process: the first planYield of the validated ${SNAPSHOT_VENUES.toLocaleString('en-US')}-venue snapshot, as one \`capflow plan\` run pays it (median of ${STAGE_RUNS} processes)`, { value: stagesYaml.planMs, unit: 'ms', higherIsBetter: false }, { kind: 'aim', value: 10, unit: 'ms', what: '< 10 ms of planning (issue 17)' }, { detail: { stagesYamlMs: stagesYaml, stagesJsonMs: stagesJson } }),
      workload('yieldManager.plan1000', 'one yield plan of 1,000 venues (the kernel, in process, warm)', { value: v1000.microsecondsPerPlan, unit: 'µs', higherIsBetter: false }, { kind: 'aim', value: 10_000, unit: 'µs', what: '< 10 ms of planning (issue 17)' }, {
        detail: { venues10: v10, venues100: v100, venues1000: v1000 },
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
