// One analog line card in the daemon: its driver's faults become fault
// records, its port changes become `event` messages (kind line-state) and a
// live view for the UI.
import type { FaultBook } from '../alarms/faults.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import type { LineCard, LineCardFault, PortState as CardPortState } from '../../../hardware/src/serial/linecard/index.js';
import type { LineCardView, LinePortView } from '../contracts/lines.js';
import { phrase } from '../contracts/phrases/index.js';
import { cardFaultPhrase } from './line-phrases.js';

export const cardFaultKey = (f: Pick<LineCardFault, 'card' | 'port' | 'code'>) => `line-card:${f.card}:${f.port ?? 'card'}:${f.code}`;

export function portView(p: CardPortState, faults: LineCardFault[]): LinePortView {
  const mine = faults.filter((f) => f.port === p.port).map((f) => ({ code: f.code, detail: f.detail, phrase: cardFaultPhrase(f) }));
  return p.kind === 'FXS'
    ? { n: p.port, kind: 'fxs', state: p.hook, battery: p.battery, voltage: null, faults: mine }
    : { n: p.port, kind: 'fxo', state: p.line, battery: null, voltage: p.volts, faults: mine };
}

/** What a line card is made of and reports to. */
export interface CardLineContext {
  id: string;
  /** The serial port as the UI shows it. */
  port: string;
  card: LineCard;
  store: Store;
  faults: FaultBook;
  log: Logger;
  changed: () => void;
  notify: () => void;
}

export class CardLine {
  private offs: Array<() => void> = [];

  readonly id: string;
  readonly port: string;
  readonly card: LineCard;
  private readonly store: Store;
  private readonly faults: FaultBook;
  private readonly log: Logger;
  private readonly changed: () => void;
  private readonly notify: () => void;

  constructor(ctx: CardLineContext) {
    ({ id: this.id, port: this.port, card: this.card, store: this.store, faults: this.faults, log: this.log, changed: this.changed, notify: this.notify } = ctx);
  }

  start(): void {
    this.offs = [
      this.card.on('fault', (f) => void this.faults.raise({ key: cardFaultKey(f), source: 'line-card', code: f.code, subject: f.port === undefined ? f.card : `${f.card}/${f.port}`, phrase: cardFaultPhrase(f), detail: `line card ${f.card}: ${f.detail}` })),
      this.card.on('fault-cleared', (f) => void this.faults.clear(cardFaultKey(f))),
      this.card.on('status', () => this.changed()),
      this.card.on('port', (s, prev) => {
        this.changed();
        // The first report after (re)initialisation is not a change worth a message to central, and
        // neither is a voltage drifting (reported every 2 V): only the state and the battery are.
        if (!prev) return;
        const v = portView(s, []);
        const was = portView(prev, []);
        if (v.kind === was.kind && v.state === was.state && v.battery === was.battery) return;
        void this.store
          .tx((r) => r.outbox.enqueue('event', { kind: 'line-state', card: this.id, port: v.n, type: v.kind, state: v.state, battery: v.battery, voltage: v.voltage, at: new Date().toISOString() }, null))
          .then(() => this.notify())
          .catch((err: unknown) => this.log.error({ err }, 'cannot record a line state'));
      }),
    ];
    this.card.start();
  }

  async stop(): Promise<void> {
    for (const off of this.offs) off();
    await this.card.stop();
  }

  /** Keys of the faults active now (to close stale ones from before a restart). */
  activeFaultKeys(): string[] {
    return this.card.faults().map(cardFaultKey);
  }

  view(): LineCardView {
    const st = this.card.status();
    const info = this.card.info();
    const faults = this.card.faults();
    const said = st.status === 'ok' ? phrase('health.lines.cardOk', { card: this.id }) : st.status === 'starting' ? phrase('health.lines.cardStarting', { card: this.id }) : phrase('health.lines.cardFault', { card: this.id });
    return {
      id: this.id, port: this.port, status: st.status, detail: st.detail, phrase: said, model: info?.model ?? null, firmware: info?.firmware ?? null,
      ports: this.card.ports().map((p) => portView(p, faults)),
    };
  }
}
