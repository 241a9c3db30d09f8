// The dispatch desk's part of the configuration's cross-check (resolve.ts
// calls it): queue ids are unique, what a queue names exists (its agents'
// phones and zones, its overflow), overflow between queues never comes back
// to where it started (a call would circle for ever), and a route to a queue
// names one that is configured.
import type { ConfigProblem } from './errors.js';
import { duplicates, listOf as list } from './ids.js';
import type { ConfigFile, QueueOverflowConfig } from './schema.js';

export function deskReferenceProblems(c: ConfigFile): ConfigProblem[] {
  const queues = c.queues ?? [];
  const problems: ConfigProblem[] = [...duplicates(queues.map((q) => q.id), (i) => `queues[${i}].id`, 'queue id')];
  const phoneIds = c.phones.map((p) => p.number);
  const phones = new Set(phoneIds);
  const zoneIds = c.zones.map((z) => z.id);
  const zones = new Set(zoneIds);
  const queueIds = queues.map((q) => q.id);
  const byId = new Map(queues.map((q) => [q.id, q]));
  const noPhone = (path: string, n: string) => phones.has(n) || problems.push({ path, message: `no phone "${n}" (phones: ${list(phoneIds)})` });
  queues.forEach((q, i) => {
    const here = `queues[${i}]`;
    problems.push(...duplicates(q.agents.map((a) => a.extension), (k) => `${here}.agents[${k}].extension`, 'agent'));
    q.agents.forEach((a, k) => {
      noPhone(`${here}.agents[${k}].extension`, a.extension);
      a.zones.forEach((z, j) => zones.has(z) || problems.push({ path: `${here}.agents[${k}].zones[${j}]`, message: `no zone "${z}" (zones: ${list(zoneIds)})` }));
    });
    const o = q.overflow;
    if (o?.kind === 'extension') noPhone(`${here}.overflow.extension`, o.extension);
    if (o?.kind === 'ring-group') o.extensions.forEach((n, k) => noPhone(`${here}.overflow.extensions[${k}]`, n));
    if (o?.kind === 'queue') {
      if (!byId.has(o.queue)) problems.push({ path: `${here}.overflow.queue`, message: `no queue "${o.queue}" (queues: ${list(queueIds)})` });
      else {
        // Follow the chain: a queue seen twice is a circle.
        const seen = [q.id];
        let next: string | undefined = o.queue;
        while (next !== undefined && !seen.includes(next)) {
          seen.push(next);
          const n: QueueOverflowConfig | undefined = byId.get(next)?.overflow;
          next = n?.kind === 'queue' ? n.queue : undefined;
        }
        if (next !== undefined) problems.push({ path: `${here}.overflow.queue`, message: `overflow goes round in a circle (${[...seen, next].join(' → ')}): a waiting call would move for ever` });
      }
    }
  });
  return problems;
}

/** A route destination (`routes[].to` and the like) naming a queue that is not configured. */
export function queueDestinationProblem(queueId: string, path: string, c: ConfigFile): ConfigProblem | undefined {
  const ids = (c.queues ?? []).map((q) => q.id);
  return ids.includes(queueId) ? undefined : { path, message: `no queue "${queueId}" (queues: ${list(ids)})` };
}

/** What of the desk names a zone or a phone (deleting it is refused while something does). */
export function deskReferrersOf(c: ConfigFile, kind: 'zone' | 'phone', id: string): string[] {
  const out: string[] = [];
  (c.queues ?? []).forEach((q, i) => {
    if (!Array.isArray(q.agents)) return;
    q.agents.forEach((a, k) => {
      if (kind === 'phone' && a.extension === id) out.push(`queues[${i}].agents[${k}] (${q.id})`);
      if (kind === 'zone' && a.zones?.includes(id)) out.push(`queues[${i}].agents[${k}].zones (${q.id})`);
    });
    const o = q.overflow;
    if (kind === 'phone' && ((o?.kind === 'extension' && o.extension === id) || (o?.kind === 'ring-group' && o.extensions.includes(id)))) out.push(`queues[${i}].overflow (${q.id})`);
  });
  return out;
}
