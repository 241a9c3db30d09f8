// The configuration's references: points name a zone and a plan, phones a
// zone. The schema checks each value's form; this checks that what is named
// exists and that ids are unique, with the same kind of message on the same
// key path (`config check`, the UI, the API). Extensions a plan calls need
// not be phones of this file: a desk may be provisioned on FreeSWITCH by
// other means (its directory then has it).
// Then each point gets its plan resolved, for the services.
import type { ConfigProblem } from './errors.js';
import { duplicates, listOf as list } from './ids.js';
import { deskReferenceProblems, deskReferrersOf } from './desk-check.js';
import { routingReferenceProblems, routingReferrersOf, ruleOrderProblems, type RoutingReferable } from './routing-check.js';
import type { Config, ConfigFile, PointConfig } from './schema.js';

/** Every missing reference and duplicate id, each on its key path. */
export function crossCheck(c: ConfigFile): ConfigProblem[] {
  const problems: ConfigProblem[] = [
    ...duplicates(c.zones.map((z) => z.id), (i) => `zones[${i}].id`, 'zone id'),
    ...duplicates(c.plans.map((p) => p.id), (i) => `plans[${i}].id`, 'plan id'),
    ...duplicates(c.points.map((p) => p.id), (i) => `points[${i}].id`, 'point id'),
    ...duplicates(c.phones.map((p) => p.number), (i) => `phones[${i}].number`, 'extension'),
  ];
  const zones = new Set(c.zones.map((z) => z.id));
  const plans = new Set(c.plans.map((p) => p.id));
  const zoneIds = c.zones.map((z) => z.id);
  c.points.forEach((p, i) => {
    if (!zones.has(p.zone)) problems.push({ path: `points[${i}].zone`, message: `no zone "${p.zone}" (zones: ${list(zoneIds)})` });
    if (!plans.has(p.plan)) problems.push({ path: `points[${i}].plan`, message: `no escalation plan "${p.plan}" (plans: ${list(c.plans.map((x) => x.id))})` });
  });
  c.phones.forEach((p, i) => {
    if (!zones.has(p.zone)) problems.push({ path: `phones[${i}].zone`, message: `no zone "${p.zone}" (zones: ${list(zoneIds)})` });
  });
  problems.push(...routingReferenceProblems(c));
  problems.push(...deskReferenceProblems(c));
  // Rule order is read only once the references hold (a rule naming a missing zone is already reported).
  if (!problems.length) problems.push(...ruleOrderProblems(c).problems);
  return problems;
}

/** What is allowed but probably not meant (rules that share numbers): printed by `config check`, logged at start. */
export function crossCheckWarnings(c: ConfigFile): ConfigProblem[] {
  return ruleOrderProblems(c).warnings;
}

/** The configuration with each point's plan resolved. Call after crossCheck found nothing. */
export function resolveConfig(c: ConfigFile): Config {
  const plans = new Map(c.plans.map((p) => [p.id, p]));
  const points: PointConfig[] = c.points.map((p) => {
    const plan = plans.get(p.plan);
    if (!plan) throw new Error(`point ${p.id}: no plan ${p.plan} (run crossCheck first)`);
    const { id: _id, name: _name, ...escalation } = plan;
    return { ...p, escalation };
  });
  return { ...c, points };
}

export type Referable = 'zone' | 'plan' | 'phone' | RoutingReferable;

/** What refers to a zone, a plan or a phone, as key paths: deleting it is refused while this is not empty. */
export function referrersOf(c: ConfigFile, kind: Referable, id: string): string[] {
  const out: string[] = [];
  if (kind !== 'plan') out.push(...routingReferrersOf(c, kind, id));
  if (kind === 'zone' || kind === 'phone') out.push(...deskReferrersOf(c, kind, id));
  if (kind === 'zone') {
    c.points.forEach((p, i) => p.zone === id && out.push(`points[${i}] (${p.id})`));
    c.phones.forEach((p, i) => p.zone === id && out.push(`phones[${i}] (${p.number})`));
  } else if (kind === 'plan') {
    c.points.forEach((p, i) => p.plan === id && out.push(`points[${i}] (${p.id})`));
  } else if (kind === 'phone') {
    c.points.forEach((p, i) => {
      if (p.phone === id) out.push(`points[${i}].phone (${p.id})`);
      if (p.testCall === id) out.push(`points[${i}].testCall (${p.id})`);
    });
    c.plans.forEach((p, i) => p.targets.forEach((t, j) => 'extension' in t && t.extension === id && out.push(`plans[${i}].targets[${j}] (${p.id})`)));
  }
  return out;
}
