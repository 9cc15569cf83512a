// parsePlain (src/cli/options.ts) reads a plain command line without commander, for start-up (issue 15). Whatever it
// accepts, commander must accept too and read the same: here every platform command and decode, built by commander
// from the same OptionSpecs inside the real program (whose global options can claim an argument), get random command
// lines of their own flags, values, operands and the arguments that must go to commander. And it must accept the
// plain command lines users type, or the fast path would be dead code.
import { Command } from 'commander';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { attributeOf, parsePlain, type OptionSpec } from '../src/cli/options.js';
import { createProgram } from '../src/cli/program.js';
import { signCommand } from '../src/cli/commands/sign-command.js';
import { signOptionSpecs } from '../src/cli/commands/sign.js';
import { DECODE_OPTIONS } from '../src/cli/commands/decode.js';
import { addInputArgument } from '../src/cli/commands/decode-command.js';
import { addOptions } from '../src/cli/commander-options.js';
import { platforms } from '../src/platforms/index.js';
import type { CliContext } from '../src/cli/context.js';
import { fakeIo } from './helpers/fake-io.js';

interface Built {
  readonly program: Command;
  readonly seen: { opts?: Record<string, unknown>; args?: readonly string[] };
}

const ctx = (): CliContext => ({ io: fakeIo().io, lang: () => 'en', color: () => false, exit: () => {} });

function builtPlatform(id: string): Built {
  const program = createProgram(ctx(), false);
  const seen: Built['seen'] = {};
  const cmd = signCommand(program, platforms[id]!, 'en');
  cmd.action(() => {
    seen.opts = cmd.opts();
    seen.args = cmd.args;
  });
  return { program, seen };
}

function builtDecode(): Built {
  const program = createProgram(ctx(), false);
  const seen: Built['seen'] = {};
  const cmd = addOptions(addInputArgument(program.command('decode'), 'en'), DECODE_OPTIONS, 'en');
  cmd.action(() => {
    seen.opts = cmd.opts();
    seen.args = cmd.args;
  });
  return { program, seen };
}

/** What commander makes of `argv`: the command's opts and operands, or 'refused' (an error, help, version). */
async function commanderReads(build: () => Built, argv: readonly string[]): Promise<{ opts: Record<string, unknown>; args: readonly string[] } | 'refused'> {
  const { program, seen } = build();
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch {
    return 'refused';
  }
  return seen.opts === undefined ? 'refused' : { opts: seen.opts, args: seen.args ?? [] };
}

/** Arguments commander must see: global options, help, short flags, `--`, values that look like options. */
const HOSTILE = ['--help', '-h', '-V', '--version', '--lang', 'zh', '--lang=zh', '--no-color', '--now', '2024-01-01T00:00:00Z', '--', '-', '-x', '--unknown', '--=x', 'help', ''];

const valueArb = (spec: OptionSpec): fc.Arbitrary<string> =>
  fc.oneof(spec.choices ? fc.constantFrom(...spec.choices) : fc.constantFrom('x', 'a1B2c3D4e5F', '60', '0', '-1', '-2x', 'a=b', 'topic/+/#'), fc.constantFrom(...HOSTILE), fc.string({ maxLength: 6 }));

/** One option as the user may write it: `--flag`, `--flag value`, `--flag=value`, or a switch given a value. */
const optionArb = (spec: OptionSpec): fc.Arbitrary<string[]> =>
  spec.value === undefined
    ? fc.oneof({ weight: 5, arbitrary: fc.constant<string[]>([`--${spec.flag}`]) }, { weight: 1, arbitrary: valueArb(spec).map((v) => [`--${spec.flag}=${v}`]) })
    : fc.oneof(valueArb(spec).map((v) => [`--${spec.flag}`, v]), valueArb(spec).map((v) => [`--${spec.flag}=${v}`]), fc.constant<string[]>([`--${spec.flag}`]));

const commandLineArb = (specs: readonly OptionSpec[], operands: boolean): fc.Arbitrary<string[]> =>
  fc
    .array(
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...specs).chain(optionArb) },
        { weight: 1, arbitrary: fc.constantFrom(...HOSTILE).map((a) => [a]) },
        { weight: operands ? 2 : 1, arbitrary: fc.constantFrom('c0 00', '10 0c', 'capture.pcap', 'extra').map((a) => [a]) },
      ),
      { maxLength: 8 },
    )
    .map((parts) => parts.flat());

/** A command line as users type it: each option at most once, a value from its choices, or plain text. */
const plainLineArb = (specs: readonly OptionSpec[]): fc.Arbitrary<string[]> =>
  fc.uniqueArray(fc.constantFrom(...specs), { selector: (s) => s.flag, maxLength: 6 }).chain((chosen) =>
    fc.tuple(...chosen.map((spec) => (spec.value === undefined ? fc.constant<string[]>([`--${spec.flag}`]) : (spec.choices ? fc.constantFrom(...spec.choices) : fc.constantFrom('x', 'a1B2c3D4e5F', '60')).map((v) => [`--${spec.flag}`, v])))).map((parts) => parts.flat()),
  );

describe.each(Object.keys(platforms))('%s: parsePlain reads what commander reads', (id) => {
  const specs = signOptionSpecs(platforms[id]!);
  test('on random command lines, parsePlain accepts only what commander accepts, with the same values', async () => {
    await fc.assert(
      fc.asyncProperty(commandLineArb(specs, false), async (args) => {
        const plain = parsePlain(args, specs);
        if (plain === undefined) return;
        const commander = await commanderReads(() => builtPlatform(id), [id, ...args]);
        expect(commander, args.join(' ')).not.toBe('refused');
        if (commander === 'refused') return;
        expect(plain.opts).toEqual(commander.opts);
        expect(plain.operands).toEqual(commander.args);
      }),
      { numRuns: 300 },
    );
  });
  test('a plain command line is read without commander', async () => {
    await fc.assert(
      fc.asyncProperty(plainLineArb(specs), async (args) => {
        const plain = parsePlain(args, specs);
        expect(plain, args.join(' ')).toBeDefined();
        const commander = await commanderReads(() => builtPlatform(id), [id, ...args]);
        expect(commander).not.toBe('refused');
        if (commander !== 'refused') expect(plain!.opts).toEqual(commander.opts);
      }),
      { numRuns: 100 },
    );
  });
});

describe('decode: parsePlain reads what commander reads', () => {
  test('on random command lines (with the [input] operand)', async () => {
    await fc.assert(
      fc.asyncProperty(commandLineArb(DECODE_OPTIONS, true), async (args) => {
        const plain = parsePlain(args, DECODE_OPTIONS, 1);
        if (plain === undefined) return;
        const commander = await commanderReads(builtDecode, ['decode', ...args]);
        expect(commander, args.join(' ')).not.toBe('refused');
        if (commander === 'refused') return;
        expect(plain.opts).toEqual(commander.opts);
        expect(plain.operands).toEqual(commander.args);
      }),
      { numRuns: 500 },
    );
  });
  test('the hex operand and plain options are read without commander', () => {
    expect(parsePlain(['c0 00'], DECODE_OPTIONS, 1)).toEqual({ opts: { input: 'auto', format: 'table', repeats: 'collapse' }, operands: ['c0 00'] });
    expect(parsePlain(['--format', 'jsonl', '-'], DECODE_OPTIONS, 1)?.operands).toEqual(['-']);
    expect(parsePlain(['a', 'b'], DECODE_OPTIONS, 1)).toBeUndefined();
  });
});

test('what parsePlain leaves to commander', () => {
  const specs = signOptionSpecs(platforms.aliyun!);
  for (const args of [['--help'], ['-h'], ['--lang', 'zh'], ['--secret', '--lang'], ['--format', 'cx'], ['--tls=yes'], ['--format'], ['extra'], ['--'], ['--nope']]) {
    expect(parsePlain(args, specs), args.join(' ')).toBeUndefined();
  }
  // A flag that stands for "off" and one given twice, as commander keeps them.
  expect(parsePlain(['--no-clean', '--subscribe', 'a', '--subscribe=b'], specs)?.opts).toMatchObject({ clean: false, envelope: true, subscribe: ['a', 'b'], protocol: '3.1.1' });
});

test('no command option shares a name with a global option (which commander would take first)', () => {
  const globals = new Set(['lang', 'no-color', 'color', 'now', 'version', 'help']);
  for (const specs of [...Object.values(platforms).map(signOptionSpecs), DECODE_OPTIONS]) for (const spec of specs) expect(globals.has(spec.flag), spec.flag).toBe(false);
  expect(attributeOf({ flag: 'will-topic', value: 'topic', describe: () => '' })).toBe('willTopic');
});

test('a repeated option is linear in its count, in parsePlain and in commander (4× the values, about 4× the time)', async () => {
  const specs = signOptionSpecs(platforms.generic!);
  const argv = (n: number) => Array.from({ length: n }, (_, i) => ['--subscribe', `a/${i}/+`]).flat();
  // The best of five runs of each, the two sizes alternating, so a busy machine's pauses (a collection, another
  // test file's worker) do not count against one side only.
  const ratio = async (small: () => unknown, big: () => unknown) => {
    const least = [Infinity, Infinity];
    for (let i = 0; i < 5; i++) {
      for (const [side, run] of [small, big].entries()) {
        const t = performance.now();
        await run();
        least[side] = Math.min(least[side]!, performance.now() - t);
      }
    }
    return least[1]! / Math.max(least[0]!, 1);
  };
  // Sizes where a run takes milliseconds, not microseconds: a tiny run's time is mostly warm-up and timer noise, which
  // made a 16× ratio read as 100× on a loaded machine. Linear is 4×; a copy per value (quadratic) measured ~900×.
  const [small, big] = [argv(10_000), argv(40_000)];
  expect(parsePlain(big, specs)?.opts.subscribe).toHaveLength(40_000);
  const plain = async (args: string[]) => parsePlain(args, specs);
  expect(await ratio(() => plain(small), () => plain(big))).toBeLessThan(4 * 6);
  const viaCommander = async (args: string[]) => commanderReads(() => builtPlatform('generic'), ['generic', '--host', 'h', '--client-id', 'c', ...args]);
  const read = await viaCommander(big);
  expect(read !== 'refused' && (read.opts.subscribe as string[]).length).toBe(40_000);
  expect(await ratio(() => viaCommander(small), () => viaCommander(big))).toBeLessThan(4 * 6);
});
