import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { registerAllCommands, registerCommands } from '../../src/cli/commands/index.ts';
import { ROOT, runCli, runCliJson } from '../helpers/cli.ts';

const COMMANDS = ['run', 'report', 'plan', 'execute', 'treasury', 'chain', 'delta-neutral', 'cam', 'leverage', 'lending', 'amm', 'data', 'worker'];

describe('capflow CLI', () => {
  it('prints help and exits 0', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: capflow');
  });

  it('exits 2 with a one-line message for an unknown command', () => {
    const r = runCli(['no-such-command']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^capflow: /);
  });

  it('shows the help without a bogus error line and exits 2 when a subcommand is missing', () => {
    for (const args of [[], ['leverage']]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^Usage: capflow/);
      expect(r.stderr).not.toMatch(/outputHelp|capflow: /);
      expect(r.stdout).toBe('');
    }
  });

  it('reports errors as JSON on stdout with --json', () => {
    const r = runCliJson(['no-such-command']);
    expect(r.code).toBe(2);
    expect(r.json.error.message).toBeTypeOf('string');
    expect(r.json.error).toHaveProperty('field');
  });

  it('stops quietly when the reader closes the pipe early', () => {
    const big = spawnSync('bash', ['-o', 'pipefail', '-c', `for i in 1 2 3 4 5; do "${process.execPath}" bin/capflow delta-neutral --help | head -c 1 >/dev/null || exit 9; done`], { cwd: ROOT, encoding: 'utf8' });
    expect(big.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(big.status).toBe(0);
  });

  it('loads only the command argv names, and lists every command otherwise (help, unknown, none) without loading any', async () => {
    const registered = async (argv: string[]) => {
      const program = new Command();
      await registerCommands(program, argv);
      return program.commands;
    };
    const names = async (argv: string[]) => (await registered(argv)).map((c) => c.name());
    expect(await names(['delta-neutral', '--runs', '10'])).toEqual(['delta-neutral']);
    expect(await names(['treasury', 'show'])).toEqual(['treasury']);
    expect(await names(['help', 'amm'])).toEqual(['amm']);
    expect((await registered(['amm']))[0].commands.length).toBeGreaterThan(0); // the real module
    for (const argv of [[], ['--help'], ['help'], ['no-such-command'], ['--version']]) {
      const commands = await registered(argv);
      expect(commands.map((c) => c.name()), argv.join(' ')).toEqual(COMMANDS);
      expect(commands.every((c) => c.commands.length === 0 && c.options.length === 0), argv.join(' ')).toBe(true); // listings, no module loaded
    }
    const help = runCli(['--help']);
    for (const name of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(runCli(['help', 'delta-neutral']).stdout).toContain('Usage: capflow delta-neutral');
  });

  it('lists the commands in the top-level help exactly as their modules register them (update COMMANDS in src/cli/commands/index.ts with a command)', async () => {
    const listed = new Command('capflow').description('d');
    await registerCommands(listed, ['--help']);
    const loaded = new Command('capflow').description('d');
    await registerAllCommands(loaded);
    expect(listed.helpInformation()).toBe(loaded.helpInformation());
  });
});
