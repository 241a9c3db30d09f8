// The only code that touches a GPIO of the SoC: a thin shim over onoff's Gpio
// (sysfs /sys/class/gpio). Everything above it is tested with SimGpio.
//
// Numbering: sysfs numbers are the kernel's global numbers, not BCM pin
// numbers. Raspberry Pi kernels from 6.6 on number the SoC's gpiochip from 512
// (BCM17 is 529; on a Pi 5 the base differs again), older ones from 0. The
// board profile's `gpio.base` gives the offset; look it up with
// `cat /sys/class/gpio/gpiochip*/base` on the target.
//
// Some kernels are built without CONFIG_GPIO_SYSFS (it is deprecated in favour
// of the character device): then /sys/class/gpio is missing. That is reported
// as a clear GpioUnavailableError, never a crash.
import { existsSync } from 'node:fs';
import { release } from 'node:os';
import type { Gpio as OnoffGpio } from 'onoff';
import { GpioUnavailableError, type GpioLine, type Level } from './line.js';

export const SYSFS_GPIO_ROOT = '/sys/class/gpio';

export type SysfsDirection = { direction: 'in' } | { direction: 'out'; initial: Level };

export interface SysfsOptions {
  /** For tests: where sysfs GPIO would be. */
  root?: string;
}

export function sysfsUnavailableMessage(why: string): string {
  return `sysfs GPIO is not available on this kernel (${release()}: ${why}): enable it or use a board profile with an I2C expander`;
}

/** Throws GpioUnavailableError when sysfs GPIO cannot be used at all. */
export async function checkSysfsGpio(opts: SysfsOptions = {}): Promise<typeof OnoffGpio> {
  const root = opts.root ?? SYSFS_GPIO_ROOT;
  if (!existsSync(root)) throw new GpioUnavailableError(sysfsUnavailableMessage(`${root} is missing`));
  let Gpio: typeof OnoffGpio;
  try {
    // Loaded lazily: onoff loads the native epoll addon, which must not take the daemon down where it cannot load.
    ({ Gpio } = await import('onoff'));
  } catch (err) {
    throw new GpioUnavailableError(sysfsUnavailableMessage(`the onoff/epoll module does not load: ${(err as Error).message}`));
  }
  if (root === SYSFS_GPIO_ROOT && !Gpio.accessible) {
    throw new GpioUnavailableError(sysfsUnavailableMessage(`${root}/export cannot be opened: check permissions (gpio group)`));
  }
  return Gpio;
}

export async function openSysfsGpio(sysfsNumber: number, dir: SysfsDirection, opts: SysfsOptions = {}): Promise<GpioLine> {
  const Gpio = await checkSysfsGpio(opts);
  let gpio: OnoffGpio;
  try {
    // An output is exported with its initial level ('low'/'high') so it never glitches through the wrong level.
    gpio = dir.direction === 'in' ? new Gpio(sysfsNumber, 'in', 'both') : new Gpio(sysfsNumber, dir.initial === 1 ? 'high' : 'low');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new GpioUnavailableError(
      `GPIO ${sysfsNumber} cannot be exported (${code}): check the board profile's gpio.base (kernels from 6.6 number the Pi's lines from 512)`,
    );
  }
  let watcher: ((err: Error | null | undefined, value: Level) => void) | undefined;
  return {
    name: `gpio${sysfsNumber}`,
    read: () => gpio.readSync(),
    write: (level) => gpio.writeSync(level),
    watch(cb, onError) {
      if (watcher) gpio.unwatch(watcher);
      watcher = (err, value) => {
        if (err) onError?.(err);
        else cb(value);
      };
      gpio.watch(watcher);
    },
    unwatch() {
      if (watcher) gpio.unwatch(watcher);
      watcher = undefined;
    },
    close() {
      gpio.unexport();
    },
  };
}
