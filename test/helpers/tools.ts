/**
 * Suites that need a system tool (mosquitto, tcpdump, gcc, …) declare it here. On a machine with only Node,
 * such a suite is skipped with one line naming the missing tools and the command that installs them; when
 * the run must be complete (CI=true, as .ci/run sets it, or MQTT_SIGN_REQUIRE_TOOLS=1) it fails instead, so
 * a CI image that lost a package cannot go green by skipping.
 *
 *   const tools = needsTools(['mosquitto', 'openssl']);
 *   tools.describe('probe against a real broker', () => { … });
 *   tools.test('one test', () => { … });
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, test } from 'vitest';

/** Each tool with the Debian package that provides it (the names in .ci/run's `packages` list). */
export const TOOL_PACKAGES = {
  mosquitto: 'mosquitto',
  mosquitto_passwd: 'mosquitto',
  mosquitto_pub: 'mosquitto-clients',
  mosquitto_sub: 'mosquitto-clients',
  tshark: 'tshark',
  dumpcap: 'tshark',
  tcpdump: 'tcpdump',
  openssl: 'openssl',
  gcc: 'gcc',
  'g++': 'g++',
  python3: 'python3',
  'avr-gcc': 'gcc-avr',
  'avr-g++': 'gcc-avr',
  'avr-objdump': 'binutils-avr',
} as const satisfies Record<string, string>;
export type Tool = keyof typeof TOOL_PACKAGES;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Daemons such as mosquitto and dumpcap live in sbin, which is not on a normal user's PATH; the tests start
 * them by absolute path, so look there too.
 */
const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** Where `tool` is: the first executable file of that name on PATH or in sbin, or undefined. */
export function whichTool(tool: string, env: Env = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN];
  for (const dir of dirs) {
    const file = join(dir, tool);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

/** True when a missing tool must fail the run rather than skip the suite. */
export function toolsRequired(env: Env = process.env): boolean {
  const ci = (env.CI ?? '').toLowerCase();
  return (ci !== '' && ci !== 'false' && ci !== '0') || env.MQTT_SIGN_REQUIRE_TOOLS === '1';
}

export interface ToolCheck {
  readonly missing: readonly Tool[];
  readonly required: boolean;
  /** One line: what is missing and how to install it; empty when nothing is. */
  readonly line: string;
}

export function checkTools(tools: readonly Tool[], env: Env = process.env): ToolCheck {
  const missing = tools.filter((t) => whichTool(t, env) === undefined);
  const required = toolsRequired(env);
  if (missing.length === 0) return { missing, required, line: '' };
  const packages = [...new Set(missing.map((t) => TOOL_PACKAGES[t]))];
  const why = required ? 'CI=true or MQTT_SIGN_REQUIRE_TOOLS=1 requires every tool' : 'skipped';
  const line = `${why}: missing ${missing.join(', ')}; install with: sudo apt-get install ${packages.join(' ')}`;
  return { missing, required, line };
}

export interface ToolGate extends ToolCheck {
  /** True when the tools are all there and the suite runs. */
  readonly ok: boolean;
  /** `describe` that runs, skips (one line on stderr), or fails with one test naming the tools. */
  describe(name: string, body: () => void): void;
  test(name: string, body: () => unknown, timeout?: number): void;
}

const announced = new Set<string>();

/** Call once per suite, at module level, with every tool the suite runs. */
export function needsTools(tools: readonly Tool[], env: Env = process.env): ToolGate {
  const check = checkTools(tools, env);
  const ok = check.missing.length === 0;
  const announce = (name: string): void => {
    if (announced.has(check.line + name)) return;
    announced.add(check.line + name);
    process.stderr.write(`[${name}] ${check.line}\n`);
  };
  const failing = (name: string): void => {
    test(`needs ${check.missing.join(', ')}`, () => {
      throw new Error(`${name}: ${check.line}`);
    });
  };
  return {
    ...check,
    ok,
    describe(name, body) {
      if (ok) return describe(name, body);
      if (check.required) return describe(name, () => failing(name));
      announce(name);
      return describe.skip(`${name} (${check.line})`, body);
    },
    test(name, body, timeout) {
      if (ok) return test(name, body, timeout);
      if (check.required) return failing(name);
      announce(name);
      return test.skip(`${name} (${check.line})`, body);
    },
  };
}
