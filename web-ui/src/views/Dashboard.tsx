import { Said } from '../components/Said';
import { StatusBadge } from '../components/StatusBadge';
import { formatGigabytes, formatPercent, formatTemp, formatTime, formatUptime } from '../format';
import { useTick, useTitle } from '../hooks';
import { hasMessage, t } from '../i18n';
import { COMPONENTS, type BoardInventory, type ComponentHealth, type Health } from '../types';

interface DashboardProps {
  health: Health | null;
  /** Date.now() when `health` arrived; uptime is advanced from there. */
  receivedAt: number;
}

export function Dashboard({ health, receivedAt }: DashboardProps) {
  useTitle(t('dashboard.title'));
  useTick(15_000);

  if (!health) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">{t('dashboard.title')}</h1>
        <p class="muted">{t('dashboard.noData')}</p>
      </section>
    );
  }

  const uptime = health.uptimeS + Math.max(0, (Date.now() - receivedAt) / 1000);
  const extra = Object.keys(health.components ?? {}).filter((n) => !(COMPONENTS as readonly string[]).includes(n));
  const components = health.components as Record<string, ComponentHealth | undefined>;

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('dashboard.title')}</h1>

      <div class="panel summary">
        <div class="summary-status">
          <span class="label">{t('dashboard.overall')}</span>
          <StatusBadge status={health.status} testid="overall-status" large />
        </div>
        <dl class="facts">
          <Fact label={t('header.site')} value={health.site || t('common.none')} />
          <Fact label={t('header.node')} value={health.node || t('common.none')} />
          <Fact label={t('dashboard.uptime')} value={formatUptime(uptime)} testid="uptime" />
          <Fact label={t('dashboard.version')} value={health.version || t('common.none')} testid="version" />
          <Fact label={t('dashboard.updated')} value={formatTime(receivedAt)} />
        </dl>
      </div>

      <h2>{t('dashboard.components')}</h2>
      <div class="cards">
        {[...COMPONENTS, ...extra].map((name) => (
          <ComponentCard key={name} name={name} health={components[name]} />
        ))}
      </div>

      <h2>{t('dashboard.system')}</h2>
      <div class="cards readings">
        <Reading
          label={t('dashboard.cpu')}
          testid="reading-cpu"
          value={health.system?.cpuLoad}
          text={formatPercent(health.system?.cpuLoad)}
          meter={{ low: 75, high: 90, optimum: 0 }}
        />
        <Reading
          label={t('dashboard.memory')}
          testid="reading-memory"
          value={health.system?.memUsedPct}
          text={formatPercent(health.system?.memUsedPct)}
          meter={{ low: 80, high: 90, optimum: 0 }}
        />
        <Reading
          label={t('dashboard.disk')}
          testid="reading-disk"
          value={health.system?.diskFreePct}
          text={formatPercent(health.system?.diskFreePct)}
          meter={{ low: 5, high: 15, optimum: 100 }}
        />
        <Reading
          label={t('dashboard.temperature')}
          testid="reading-temperature"
          value={health.system?.tempC}
          text={health.system?.tempC == null ? t('dashboard.noSensor') : formatTemp(health.system.tempC)}
          meter={{ low: 70, high: 80, optimum: 0 }}
        />
      </div>

      <h2>{t('dashboard.board')}</h2>
      <BoardCard inventory={health.inventory} />
    </section>
  );
}

function Fact(props: { label: string; value: string; testid?: string }) {
  return (
    <div class="fact">
      <dt>{props.label}</dt>
      <dd data-testid={props.testid}>{props.value}</dd>
    </div>
  );
}

/** Words that are present, joined; the reader's "n/a" when none is. */
const known = (...parts: (string | null | undefined | false)[]) => parts.filter(Boolean).join(' ') || t('dashboard.notAvailable');

/** What the board is (read by the daemon at start and every 6 h). */
function BoardCard({ inventory: i }: { inventory: BoardInventory | undefined }) {
  if (!i) return <p class="muted" data-testid="board-inventory">{t('dashboard.boardNotRead')}</p>;
  const disk = i.dataDisk;
  return (
    <div class="panel" data-testid="board-inventory">
      {i.error && <p class="muted" data-testid="board-inventory-error">{t('dashboard.boardError', { reason: i.error })}</p>}
      <dl class="facts">
        <Fact label={t('dashboard.boardModel')} value={known(i.hardware.manufacturer, i.hardware.model)} testid="board-model" />
        <Fact label={t('dashboard.boardOs')} value={known(i.os.distro, i.os.release)} testid="board-os" />
        <Fact label={t('dashboard.boardKernel')} value={known(i.os.kernel, i.os.arch && `(${i.os.arch})`)} testid="board-kernel" />
        <Fact label={t('dashboard.boardCpu')} value={known(i.cpu.brand, i.cpu.cores != null && t('dashboard.boardCores', { n: i.cpu.cores }))} testid="board-cpu" />
        <Fact label={t('dashboard.boardMemory')} value={i.memTotalBytes == null ? t('dashboard.notAvailable') : formatGigabytes(i.memTotalBytes)} testid="board-memory" />
        <Fact
          label={t('dashboard.boardDisk')}
          value={known(disk.device, disk.fsType && `(${disk.fsType})`, disk.sizeBytes != null && formatGigabytes(disk.sizeBytes), disk.model, disk.mount && t('dashboard.boardMountedOn', { mount: disk.mount }))}
          testid="board-disk"
        />
      </dl>
    </div>
  );
}

function componentLabel(name: string): string {
  const key = `component.${name}`;
  return hasMessage(key) ? t(key) : name;
}

function ComponentCard({ name, health }: { name: string; health: ComponentHealth | undefined }) {
  const status = health?.status;
  return (
    <article class={`card card-${status ?? 'unknown'}`} data-testid={`component-${name}`} data-status={status ?? 'unknown'}>
      <div class="card-head">
        <h3>{componentLabel(name)}</h3>
        <StatusBadge status={status} />
      </div>
      <p class="detail">{health?.detail ? <Said phrase={health.phrase} detail={health.detail} /> : t('common.none')}</p>
    </article>
  );
}

/**
 * One system reading with a native <meter>: the browser colours it by the
 * low/high/optimum bands, and the number is always shown as text too.
 */
function Reading(props: {
  label: string;
  testid: string;
  value: number | null | undefined;
  text: string;
  meter: { low: number; high: number; optimum: number };
}) {
  const v = props.value;
  const has = v != null && Number.isFinite(v);
  const id = `${props.testid}-label`;
  return (
    <div class="card reading" data-testid={props.testid}>
      <span class="reading-label" id={id}>
        {props.label}
      </span>
      <span class="reading-value">{props.text}</span>
      {has && (
        <meter
          aria-labelledby={id}
          min={0}
          max={100}
          low={props.meter.low}
          high={props.meter.high}
          optimum={props.meter.optimum}
          value={Math.min(100, Math.max(0, v))}
        />
      )}
    </div>
  );
}
