// Cross-checks of the configuration: every call point must sit on an input
// the board profile has, and a plan that texts needs a GSM modem to text
// with. Used by `config check` and at start.
import { loadBoardProfile, type BoardProfile } from '../../../hardware/src/index.js';
import type { ConfigProblem } from '../config/errors.js';
import type { Config } from '../config/schema.js';

export async function boardProblems(
  config: Pick<Config, 'board' | 'points'> & { lines?: Pick<Config['lines'], 'modems'>; plans?: Config['plans'] },
  /** The profile already running, when `config.board` is the board it was loaded for (a live apply: not read and parsed again). */
  running?: BoardProfile,
): Promise<{ profile?: BoardProfile; problems: ConfigProblem[] }> {
  let profile: BoardProfile;
  try {
    profile = running ?? (await loadBoardProfile(config.board));
  } catch (e) {
    return { problems: [{ path: 'board', message: (e as Error).message }] };
  }
  const inputs = new Set(profile.inputs.map((i) => i.id));
  const problems = config.points.flatMap((p, i): ConfigProblem[] =>
    inputs.has(p.input) ? [] : [{ path: `points[${i}].input`, message: `the board profile "${profile.name}" has no input "${p.input}" (it has ${[...inputs].join(', ')})` }],
  );
  if (config.lines && !config.lines.modems.length) {
    // Said on the plan (where `sms` is written), once, for the plans points use.
    const texting = new Set(config.points.filter((p) => p.escalation.sms).map((p) => p.plan));
    config.plans?.forEach((plan, j) => {
      if (texting.has(plan.id)) problems.push({ path: `plans[${j}].sms`, message: 'SMS notification needs a GSM modem: add one under lines.modems, or remove sms from this plan' });
    });
  }
  return { profile, problems };
}
