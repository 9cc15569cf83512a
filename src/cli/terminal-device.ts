/**
 * Whether a character device is a terminal. tty.isatty answers for any, but node:tty loads node:net with it (~2 ms of
 * a ~25 ms start, issue 15). On Linux the device number an fstat gives already tells the terminals people run in: the
 * kernel's device list (Documentation/admin-guide/devices.txt) gives major 4 to virtual consoles and serial ports
 * (tty0…, ttyS…), 5 to /dev/tty, /dev/console and /dev/ptmx, and 136–143 to pseudo-terminals (/dev/pts/N: terminal
 * emulators, ssh, tmux, script). Only another character device is asked of isatty; other systems always ask it.
 */
import { isatty } from 'node:tty';

/** A device number's major as Linux encodes dev_t (glibc's major()); rdev is a number in Node, exact below 2^53. */
function linuxMajor(rdev: number): number {
  return (Math.floor(rdev / 0x100) & 0xfff) | (Math.floor(rdev / 0x1_0000_0000) & ~0xfff);
}

/** A Linux terminal by its device number alone; false means "not known to be", not "not a terminal". */
export function knownTerminal(rdev: number, platform: string): boolean {
  if (platform !== 'linux') return false;
  const major = linuxMajor(rdev);
  return major === 4 || major === 5 || (major >= 136 && major <= 143);
}

/** `fd` is a character device (an fstat said so) with device number `rdev`: is it a terminal? */
export function characterDeviceIsTerminal(fd: number, rdev: number): boolean {
  return knownTerminal(rdev, process.platform) || isatty(fd);
}
