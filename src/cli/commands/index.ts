/**
 * Every capflow command, registered on the program. One file per command group.
 */
import type { Command } from 'commander';
import { registerPlan } from './plan.ts';
import { registerAmm } from './amm.ts';
import { registerLeverage } from './leverage.ts';
import { registerLending } from './lending.ts';
import { registerCam } from './cam.ts';
import { registerRun } from './run.ts';
import { registerReport } from './report.ts';
import { registerDeltaNeutral } from './deltaNeutral.ts';
import { registerTreasury } from './treasury.ts';

/** Registers all commands on `program`. */
export function registerCommands(program: Command): void {
  registerPlan(program);
  registerAmm(program);
  registerLeverage(program);
  registerLending(program);
  registerCam(program);
  registerRun(program);
  registerReport(program);
  registerDeltaNeutral(program);
  registerTreasury(program);
}
