// loadBoardProfile("sim") loads a profile shipped in this folder;
// loadBoardProfile("/etc/callpoint/board.json") (anything with a "/" or
// ending in .json) loads that file. The shipped ones are imported as JSON
// modules so the build carries them into dist/.
import { readFile } from 'node:fs/promises';
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
  let text: string;
  try {
    text = await readFile(nameOrPath, 'utf8');
  } catch (err) {
    throw new BoardProfileError(`board profile ${nameOrPath} cannot be read: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BoardProfileError(`board profile ${nameOrPath} is not JSON: ${(err as Error).message}`);
  }
  return parseBoardProfile(data, `board profile ${nameOrPath}`);
}
