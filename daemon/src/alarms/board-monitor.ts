// The board as health and the UI see it: the `hardware` health component
// (chips and GPIO answering or not), and the `board` event for the UI when an
// input or a lamp changes. Lamps flash on their own timers, so the view is
// polled (four times a second, only while someone watches) and sent on change.
import type { BoardSnapshot } from '../contracts/board.js';
import type { EventBus } from '../events/bus.js';
import type { HealthRegistry } from '../health/health.js';
import type { Component } from '../lifecycle/components.js';
import type { Board, BoardProfile, HardwareEvent } from '../../../hardware/src/index.js';
import type { Point } from './alarm-message.js';
import { phrase } from '../contracts/phrases/index.js';
import { boardSnapshot } from './board-view.js';

export interface BoardMonitorContext {
  board: Board;
  profile: BoardProfile;
  points: () => Point[];
  bus: EventBus;
  health: HealthRegistry;
}

export class BoardMonitor implements Component {
  readonly name = 'board-monitor';
  private healthTimer: NodeJS.Timeout | undefined;
  private viewTimer: NodeJS.Timeout | undefined;
  private last = '';

  constructor(private readonly c: BoardMonitorContext) {}

  snapshot(): BoardSnapshot {
    return boardSnapshot(this.c.board, this.c.profile, this.c.points());
  }

  /** A device fault or recovery shows in health at once; presses do not concern health. */
  onHardware(e: HardwareEvent): void {
    if (e.kind !== 'pressed' && e.kind !== 'released' && e.kind !== 'long-press') this.reportHealth();
  }

  reportHealth(): void {
    const h = this.c.board.health();
    const faulty = Object.entries(this.c.board.status()).filter(([, s]) => s.status !== 'ok').map(([id]) => id);
    const said = h.status === 'ok' ? phrase('health.hardware.ok', { inputs: this.c.profile.inputs.length, outputs: this.c.board.outputIds().length }) : phrase('health.hardware.faulty', { devices: faulty.join(', ') });
    this.c.health.set('hardware', h.status, h.detail, said);
  }

  async start(): Promise<void> {
    this.reportHealth();
    this.healthTimer = setInterval(() => this.reportHealth(), 5000);
    this.healthTimer.unref();
    this.viewTimer = setInterval(() => this.pushView(), 250);
    this.viewTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.healthTimer);
    clearInterval(this.viewTimer);
  }

  private pushView(): void {
    if (!this.c.bus.listenerCount('board')) {
      this.last = '';
      return;
    }
    const snap = this.snapshot();
    const text = JSON.stringify({ i: snap.inputs, o: snap.outputs.map((o) => [o.id, o.mode]), d: snap.devices.map((x) => x.status) });
    if (text !== this.last) {
      this.last = text;
      this.c.bus.emit('board', snap);
    }
  }
}
