// Cross-checks of the configuration: every call point must sit on an input
// the board profile has, and a plan that texts needs a GSM modem to text
// with. Used by `config check` and at start.
import { loadBoardProfile, type BoardProfile } from '../../../hardware/src/index.js';
import type { ConfigProblem } from '../config/errors.js';
import type { Config } from '../config/schema.js';

export async function boardProblems(config: Pick<Config, 'board' | 'points'> & { lines?: Pick<Config['lines'], 'modems'> }): Promise<{ profile?: BoardProfile; problems: ConfigProblem[] }> {
  let profile: BoardProfile;
  try {
    profile = await loadBoardProfile(config.board);
  } catch (e) {
    return { problems: [{ path: 'board', message: (e as Error).message }] };
  }
  const inputs = new Set(profile.inputs.map((i) => i.id));
  const problems = config.points.flatMap((p, i): ConfigProblem[] =>
    inputs.has(p.input) ? [] : [{ path: `points[${i}].input`, message: `the board profile "${profile.name}" has no input "${p.input}" (it has ${[...inputs].join(', ')})` }],
  );
  if (config.lines && !config.lines.modems.length)
    config.points.forEach((p, i) => {
      if (p.escalation.sms) problems.push({ path: `points[${i}].escalation.sms`, message: 'SMS notification needs a GSM modem: add one under lines.modems, or remove sms from this plan' });
    });
  return { profile, problems };
}
