// loadBoardProfile("sim") loads a profile shipped in this folder;
// loadBoardProfile("/etc/callpoint/board.json") (anything with a "/" or
// ending in .json) loads that file. The shipped ones are imported as JSON
// modules so the build carries them into dist/.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import rpi4 from './rpi4-callpoint-hat.json' with { type: 'json' };
import sim from './sim.json' with { type: 'json' };
import { BoardProfileError, parseBoardProfile, type BoardProfile } from './schema.js';

export const BUILTIN_PROFILES: Readonly<Record<string, unknown>> = { sim, 'rpi4-callpoint-hat': rpi4 };

export async function loadBoardProfile(nameOrPath: string): Promise<BoardProfile> {
  if (!nameOrPath.includes('/') && !nameOrPath.endsWith('.json')) {
    const data = BUILTIN_PROFILES[nameOrPath];
    if (data === undefined) throw new BoardProfileError(`no board profile "${nameOrPath}" (built in: ${Object.keys(BUILTIN_PROFILES).join(', ')}; or give a path to a .json file)`);
    return parseBoardProfile(data, `board profile "${nameOrPath}"`);
  }
  const text = await readProfileFile(nameOrPath);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BoardProfileError(`board profile ${nameOrPath} is not JSON: ${(err as Error).message}`);
  }
  return parseBoardProfile(data, `board profile ${nameOrPath}`);
}

/** A profile is a few kilobytes; anything near this is not one. */
export const MAX_PROFILE_BYTES = 256 * 1024;

/**
 * The text of a profile file, refused before reading when it is not a regular
 * file (`board: /dev/zero`, a FIFO that would block the read forever, a serial
 * port, a directory) or larger than MAX_PROFILE_BYTES. Opened non-blocking and
 * checked on the open descriptor, so what is checked is what is read.
 */
async function readProfileFile(path: string): Promise<string> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw new BoardProfileError(`board profile ${path} cannot be read: ${(err as Error).message}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) {
      const what = st.isDirectory() ? 'a directory' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'not a regular file';
      throw new BoardProfileError(`board profile ${path} is ${what}, not a JSON file`);
    }
    if (st.size > MAX_PROFILE_BYTES) throw new BoardProfileError(`board profile ${path} is ${st.size} bytes; a profile is at most ${MAX_PROFILE_BYTES} bytes`);
    // Read at most one byte past the limit: a file that grew since the stat is still bounded.
    const buf = Buffer.alloc(MAX_PROFILE_BYTES + 1);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead > MAX_PROFILE_BYTES) throw new BoardProfileError(`board profile ${path} is over ${MAX_PROFILE_BYTES} bytes`);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch (err) {
    if (err instanceof BoardProfileError) throw err;
    throw new BoardProfileError(`board profile ${path} cannot be read: ${(err as Error).message}`);
  } finally {
    await fh.close();
  }
}
