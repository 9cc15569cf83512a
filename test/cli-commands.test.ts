// main() builds only the command a run names; the top-level help lists the others from OTHER_COMMANDS and the
// platform registry without building them. Here every command is built for real, and the list must match it: the
// same term (name, alias, [options], arguments) and description commander would show, in both languages.
import { Command } from 'commander';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { OTHER_COMMANDS } from '../src/cli/program.js';
import { OTHER_COMMAND_NAMES } from '../src/cli/command-names.js';
import { registerSignCommand } from '../src/cli/commands/sign-command.js';
import { platforms } from '../src/platforms/index.js';
import type { CliContext } from '../src/cli/context.js';
import type { Lang } from '../src/messages.js';
import { fakeIo } from './helpers/fake-io.js';

/** The top-level help of a program with every command built, as main() configured it before commands were listed. */
async function builtHelpRows(lang: Lang): Promise<[string, string][]> {
  const program = new Command('mqtt-sign');
  const ctx: CliContext = { io: fakeIo().io, lang: () => lang, color: () => false, exit: () => {} };
  for (const signer of Object.values(platforms)) registerSignCommand(program, ctx, signer);
  for (const { load } of Object.values(OTHER_COMMANDS)) (await load())(program, ctx);
  const help = program.createHelp();
  return program.commands.map((cmd) => [help.subcommandTerm(cmd), help.subcommandDescription(cmd)]);
}

describe.each(['en', 'zh'] as const)('the top-level help (%s)', (lang) => {
  test('lists each command with the term and description of the built command', async () => {
    const fake = fakeIo();
    expect(await main(['--lang', lang, '--help'], fake.io)).toBe(0);
    const rows = await builtHelpRows(lang);
    expect(rows.length).toBeGreaterThan(8);
    // commander wraps long descriptions: compare with the whitespace folded.
    const help = fake.stdout().replace(/\s+/g, ' ');
    for (const [term, description] of rows) expect(help, term).toContain(` ${term} ${description.replace(/\s+/g, ' ')}`);
  });
});

test('each command OTHER_COMMANDS lists builds with the term it gives', async () => {
  const rows = new Map(await builtHelpRows('en'));
  for (const [name, { term }] of Object.entries(OTHER_COMMANDS)) expect(rows.has(term), `${name}: built as ${[...rows.keys()].find((t) => t.startsWith(name))}`).toBe(true);
});

test('an unknown command still gets the suggestion, and `help <command>` builds that command', async () => {
  const typo = fakeIo();
  expect(await main(['decod', 'c0 00'], typo.io)).toBe(2);
  expect(typo.stderr()).toMatch(/decode/);
  const help = fakeIo();
  expect(await main(['help', 'decode'], help.io)).toBe(0);
  expect(help.stdout()).toMatch(/--format <style>/);
});

test('main() and program.ts know the same other commands', () => {
  expect(Object.keys(OTHER_COMMANDS).sort()).toEqual([...OTHER_COMMAND_NAMES].sort());
});
