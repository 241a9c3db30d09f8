// Applying a new version of the configuration to the running daemon, and
// saying what took effect and what waits for what.
//
// - Keys without `restart` in the schema take effect at once: the holder is
//   set and the services follow it (points, phones, zones, plans, SMS, log
//   levels); a few live steps act on a change (FreeSWITCH reloads its XML
//   when the phones change; the log levels are set).
// - A key marked `restart` is applied by restarting only its component, in
//   process, when one says it can (the line services for serial ports, the
//   uplink for the brokers, the admin server for its listener); one that may
//   be carrying an emergency (a GSM call on a modem) waits until no alarm is
//   being called for. Keys no component restarts for (site, node, the board,
//   FreeSWITCH's event socket) wait for a restart of Callpoint.
// - The point of an open alarm keeps the definition its alarm started with —
//   its input, lamps, plan, texts — until the alarm is cleared; the escalation
//   and its calls are never touched by an apply.
//
// What waits is re-examined whenever an alarm changes, and applied when it can.
import type { ConfigApplied, ConfigPending } from '../contracts/config.js';
import { JOINING_STATES, type AlarmState } from '../contracts/values.js';
import { diffConfig } from './diff.js';
import type { ConfigHolder } from './holder.js';
import { nearest, schemaPathOf } from './schema-meta.js';
import type { Config } from './schema.js';

export interface OpenAlarm {
  id: string;
  pointId: string;
  state: AlarmState;
}

/** Restarts a component in-process for its restart-only keys. */
export interface Restarter {
  /** For the report: "the line services". */
  name: string;
  /** The keys it restarts for, dotted (`uplink`, `lines.modems`, `http.port`): a changed key at or under one of them. */
  keys: string[];
  /** Only while no alarm is being called for (the component may carry an emergency call or text). */
  whenIdle: boolean;
  /** Restart with `next`; resolves with what it did, rejects with why it could not. */
  restart(next: Config, prev: Config): Promise<string>;
}

/** Acts on a live change (no restart): FreeSWITCH's reloadxml, the log levels. */
export interface LiveStep {
  name: string;
  keys: string[];
  apply(next: Config, prev: Config): Promise<{ how: 'live' | 'reloaded'; detail: string }>;
}

export interface LiveApplyDeps {
  holder: ConfigHolder;
  /** Open real alarms (not self-tests). */
  openAlarms(): Promise<OpenAlarm[]>;
  restarters: Restarter[];
  steps: LiveStep[];
  /** Something pending took effect (or failed): the UI and the log hear of it. */
  changed(pending: ConfigPending[]): void;
  log: { info(o: object, msg: string): void; error(o: object, msg: string): void };
}

export interface ApplyOutcome {
  applied: ConfigApplied[];
  pending: ConfigPending[];
  /** Start the restarts (after the answer is on its way: the admin server may be one of them). */
  start(): void;
}

const covers = (prefix: string, key: string) => key === prefix || key.startsWith(`${prefix}.`);
const dotted = (sp: readonly string[]) => sp.filter((s) => s !== '[]').join('.');

/** `points[id=p1].label` → `p1` (the point a change is about), else undefined. */
function pointOf(path: string): string | undefined {
  return /^points\[id=([^\]]+)\]/.exec(path)?.[1];
}

function setAt(target: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return target;
  const copy = { ...target };
  if (!rest.length) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
  } else copy[head] = setAt((target[head] as Record<string, unknown> | undefined) ?? {}, rest, value);
  return copy;
}

function getAt(source: unknown, path: string[]): unknown {
  let cur = source;
  for (const seg of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
  return cur;
}

export class LiveApply {
  /** What the file says (resolved, with the environment). */
  private desired: Config;
  private pending: ConfigPending[] = [];
  /** Restart keys whose restart failed, with the value that failed: not tried again until the file changes them. */
  private readonly failed = new Map<string, { value: string; detail: string }>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly d: LiveApplyDeps) {
    this.desired = d.holder.current;
  }

  /** What still waits, as last evaluated. */
  get waiting(): ConfigPending[] {
    return this.pending;
  }

  /** A new version is on disk: take what can be taken now. */
  apply(desired: Config): Promise<ApplyOutcome> {
    return this.serial(async () => {
      this.desired = desired;
      return this.evaluate();
    });
  }

  /** An alarm changed: what waited for it may go now. */
  reevaluate(): Promise<void> {
    return this.serial(async () => {
      if (!this.pending.some((p) => p.waitsFor === 'alarm' || p.waitsFor === 'idle')) return;
      const before = JSON.stringify(this.pending);
      const o = await this.evaluate();
      o.start();
      if (JSON.stringify(this.pending) !== before) this.d.changed(this.pending);
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async evaluate(): Promise<ApplyOutcome> {
    const { holder } = this.d;
    const prev = holder.current;
    const desired = this.desired;
    const changes = diffConfig(prev, desired);
    const open = await this.d.openAlarms();
    const openByPoint = new Map(open.map((a) => [a.pointId, a.id]));
    const escalating = open.filter((a) => JOINING_STATES.includes(a.state));
    const applied: ConfigApplied[] = [];
    const pending: ConfigPending[] = [];
    let effective = desired as unknown as Record<string, unknown>;

    // The points of open alarms keep what their alarm started with.
    const held = new Set<string>();
    for (const c of changes) {
      const id = pointOf(c.path) ?? (c.path === 'points' ? undefined : undefined);
      const alarmId = id ? openByPoint.get(id) : undefined;
      if (id && alarmId && !held.has(id)) {
        held.add(id);
        pending.push({ path: `points[id=${id}]`, waitsFor: 'alarm', alarmId, detail: `call point ${id} has the open alarm ${alarmId}: its change is applied when the alarm is cleared` });
      }
    }
    if (held.size) {
      const prevPoints = new Map(prev.points.map((p) => [p.id, p]));
      const points = desired.points.map((p) => (held.has(p.id) ? (prevPoints.get(p.id) ?? p) : p));
      // A point deleted while its alarm is open stays until the alarm is cleared.
      for (const id of held) if (!desired.points.some((p) => p.id === id) && prevPoints.has(id)) points.push(prevPoints.get(id)!);
      effective = { ...effective, points };
    }

    // Keys that need a restart: their component's, or Callpoint's.
    const restartKeys = new Map<string, string[]>();
    const liveSections = new Map<string, number>();
    for (const c of changes) {
      if (pointOf(c.path) && held.has(pointOf(c.path)!)) continue;
      const sp = schemaPathOf(c.path);
      const mark = nearest(sp, 'restart');
      if (mark?.value === true) {
        const key = dotted(mark.at);
        restartKeys.set(key, [...(restartKeys.get(key) ?? []), c.path]);
      } else {
        const section = sp[0] ?? c.path;
        liveSections.set(section, (liveSections.get(section) ?? 0) + 1);
      }
    }
    const toRestart = new Map<Restarter, string[]>();
    for (const [key] of restartKeys) {
      const path = key.split('.');
      const value = JSON.stringify(getAt(desired, path) ?? null);
      const keep = () => (effective = setAt(effective, path, getAt(prev, path)));
      const failed = this.failed.get(key);
      if (failed && failed.value === value) {
        keep();
        pending.push({ path: key, waitsFor: 'failed', detail: failed.detail });
        continue;
      }
      this.failed.delete(key);
      const r = this.d.restarters.find((x) => x.keys.some((k) => covers(k, key) || covers(key, k)));
      if (!r) {
        keep();
        pending.push({ path: key, waitsFor: 'restart', detail: `${key} takes effect when Callpoint restarts` });
      } else if (r.whenIdle && escalating.length) {
        keep();
        pending.push({ path: key, waitsFor: 'idle', alarmId: escalating[0]!.id, detail: `${r.name} restart when no alarm is being called for (now: ${escalating.map((a) => a.id).join(', ')})` });
      } else {
        toRestart.set(r, [...(toRestart.get(r) ?? []), key]);
      }
    }

    const next = effective as unknown as Config;
    holder.set(next, (err) => this.d.log.error({ err }, 'a service failed to take the new configuration'));
    for (const [section, n] of liveSections) applied.push({ path: section, how: 'live', detail: `${n} change${n === 1 ? '' : 's'} in effect` });
    const liveKeys = [...liveSections.keys()];
    for (const step of this.d.steps) {
      if (!step.keys.some((k) => liveKeys.some((l) => covers(k, l) || covers(l, k)))) continue;
      try {
        const r = await step.apply(next, prev);
        applied.push({ path: step.keys.join(', '), how: r.how, detail: `${step.name}: ${r.detail}` });
      } catch (err) {
        applied.push({ path: step.keys.join(', '), how: 'live', detail: `${step.name}: ${(err as Error).message}` });
      }
    }
    for (const [r, keys] of toRestart) applied.push({ path: keys.join(', '), how: 'restarted', detail: `${r.name}: restarting with the new settings` });
    this.pending = pending;

    let started = false;
    return {
      applied,
      pending,
      start: () => {
        if (started || !toRestart.size) return;
        started = true;
        void this.serial(() => this.restart(toRestart, next, prev));
      },
    };
  }

  private async restart(which: Map<Restarter, string[]>, next: Config, prev: Config): Promise<void> {
    let changed = false;
    for (const [r, keys] of which) {
      try {
        const detail = await r.restart(next, prev);
        this.d.log.info({ component: r.name, keys }, `configuration: ${r.name} restarted: ${detail}`);
      } catch (err) {
        const detail = `${r.name} could not restart with the new settings: ${(err as Error).message}`;
        this.d.log.error({ err, keys }, detail);
        // The component runs as before: so does the configuration the others read.
        let back = this.d.holder.current as unknown as Record<string, unknown>;
        for (const key of keys) {
          const path = key.split('.');
          this.failed.set(key, { value: JSON.stringify(getAt(this.desired, path) ?? null), detail });
          back = setAt(back, path, getAt(prev, path));
          this.pending.push({ path: key, waitsFor: 'failed', detail });
        }
        this.d.holder.set(back as unknown as Config);
        changed = true;
      }
    }
    if (changed) this.d.changed(this.pending);
  }
}
