// Step-by-step migrations of the configuration file. Each step takes a file
// of version N to N+1 by editing the YAML document in place, so comments and
// key order survive. A file without `version` is read as the version its
// content shows (detectVersion).
//
// Version 1 was the pre-release format: `http.listen: "host:port"` and
// `freeswitch.pass`. Version 2 splits the listen address (as in
// ARCHITECTURE.md) and names the password `password`. Version 3 names what a
// person picks from a list: escalation plans move out of the points into
// `plans` (points refer to them by id) and the zones get a list of their own.
import { isAlias, isMap, isNode, isScalar, isSeq, type Document, type YAMLMap } from 'yaml';

export interface MigrationStep {
  from: number;
  describe: string;
  apply(doc: Document): void;
}

export const migrations: MigrationStep[] = [
  {
    from: 1,
    describe: 'http.listen "host:port" → http.host + http.port; freeswitch.pass → freeswitch.password',
    apply(doc) {
      const listen = doc.getIn(['http', 'listen']);
      if (typeof listen === 'string') {
        const m = /^(.*):(\d+)$/.exec(listen);
        doc.deleteIn(['http', 'listen']);
        if (m) {
          doc.setIn(['http', 'host'], m[1]);
          doc.setIn(['http', 'port'], Number(m[2]));
        } else {
          doc.setIn(['http', 'host'], listen);
        }
      }
      const fs = doc.get('freeswitch');
      if (isMap(fs) && fs.has('pass')) {
        fs.set('password', fs.get('pass'));
        fs.delete('pass');
      }
    },
  },
  {
    from: 2,
    describe: 'points[].escalation → plans[] named by id, points[].plan; zones[] listed',
    apply(doc) {
      const points = doc.get('points', true);
      const plans: Array<{ id: string; node: YAMLMap }> = [];
      const byAnchor = new Map<string, string>();
      const byContent = new Map<string, string>();
      const taken = new Set<string>();
      const uniqueId = (want: string) => {
        let id = identOf(want);
        for (let n = 2; taken.has(id); n++) id = identOf(`${want}-${n}`);
        taken.add(id);
        return id;
      };
      if (isSeq(points)) {
        for (const item of points.items) {
          if (!isMap(item)) continue;
          const esc = item.get('escalation', true);
          if (esc === undefined) continue;
          const rawId = item.get('id');
          const pointId = typeof rawId === 'string' ? rawId : 'point';
          // A YAML anchor shared between points (&plan / *plan) becomes one named plan, named after the anchor.
          const anchorName = isAlias(esc) ? esc.source : isNode(esc) && esc.anchor ? esc.anchor : undefined;
          const resolved = isAlias(esc) ? esc.resolve(doc) : esc;
          const content = JSON.stringify(isNode(resolved) ? resolved.toJSON(doc) : resolved);
          // The comment above `escalation:` describes the plan: it goes with it.
          const pair = item.items.find((p) => isScalar(p.key) && p.key.value === 'escalation');
          const comment = pair && isScalar(pair.key) ? pair.key.commentBefore : undefined;
          let id = anchorName ? byAnchor.get(anchorName) : byContent.get(content);
          if (!id) {
            id = uniqueId(anchorName ?? `${pointId}-plan`);
            if (anchorName) byAnchor.set(anchorName, id);
            byContent.set(content, id);
            // A copy of the plan's own node keeps the comments inside it.
            const node = (isNode(resolved) ? resolved.clone() : doc.createNode(resolved)) as YAMLMap;
            node.anchor = undefined;
            node.flow = false;
            node.commentBefore = comment ?? (isNode(resolved) ? resolved.commentBefore : undefined);
            plans.push({ id, node });
          }
          item.delete('escalation');
          item.set(doc.createNode('plan'), id);
        }
      }
      const used = (key: string) => {
        const seq = doc.get(key, true);
        return isSeq(seq) ? seq.items.flatMap((it) => (isMap(it) && typeof it.get('zone') === 'string' ? [it.get('zone') as string] : [])) : [];
      };
      const zones = [...new Set([...used('points'), ...used('phones')])];
      const root = doc.contents as YAMLMap;
      const at = root.items.findIndex((p) => isScalar(p.key) && p.key.value === 'points');
      const insert: Array<[string, unknown]> = [];
      if (!doc.has('zones') && zones.length) insert.push(['zones', zones.map((id) => ({ id }))]);
      if (!doc.has('plans') && plans.length) {
        const seq = doc.createNode([]) as unknown as { items: unknown[] };
        for (const p of plans) {
          const m = p.node;
          m.items.unshift(doc.createPair('id', p.id));
          seq.items.push(m);
        }
        insert.push(['plans', seq]);
      }
      for (const [i, [key, value]] of insert.entries()) {
        const pair = doc.createPair(key, value);
        if (at >= 0) root.items.splice(at + i, 0, pair);
        else root.items.push(pair);
      }
    },
  },
];

/** An id from a name: lower case, a-z 0-9 _ -, at most 63 characters. */
function identOf(name: string): string {
  const id = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 63);
  return id || 'plan';
}

/**
 * The version of a file that does not say: 1 if it has the old listen/pass
 * keys, 2 if a point carries its plan inline (and no `plans`), else current.
 */
export function detectVersion(raw: Record<string, unknown>, current: number): number {
  const http = raw.http as Record<string, unknown> | undefined;
  const fs = raw.freeswitch as Record<string, unknown> | undefined;
  if ((http && 'listen' in http) || (fs && 'pass' in fs)) return 1;
  const points = Array.isArray(raw.points) ? (raw.points as unknown[]) : [];
  const inline = points.some((p) => p !== null && typeof p === 'object' && 'escalation' in p);
  const usesZones = [...points, ...(Array.isArray(raw.phones) ? (raw.phones as unknown[]) : [])].some((p) => p !== null && typeof p === 'object' && 'zone' in p);
  if (inline || (usesZones && !('zones' in raw))) return 2;
  return current;
}
