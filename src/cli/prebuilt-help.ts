/**
 * The top-level --help as the build printed it, so `mqtt-sign --help` through a pipe or into a file is one read and
 * one write instead of building commander (issue 15). Here, in dist/ and in the tests, there is none: commander
 * prints it. The CLI bundle replaces this file (scripts/bundle.mjs) by one that reads dist/bundle/help.<lang>.txt,
 * which the build wrote from commander's own output off a terminal (80 columns); test/bundle.test.ts compares the two.
 */
import type { Lang } from '../messages.js';

export function prebuiltHelp(_lang: Lang): string | undefined {
  return undefined;
}

/** The command lines that print the top-level help: none, or --help, -h or help with or without --lang <lang> first. */
export function asksTopLevelHelp(argv: readonly string[]): boolean {
  const rest = argv[0] === '--lang' && (argv[1] === 'en' || argv[1] === 'zh') ? argv.slice(2) : argv;
  return argv.length === 0 || (rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h' || rest[0] === 'help'));
}
