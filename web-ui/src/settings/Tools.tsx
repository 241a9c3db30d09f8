// The test buttons of the settings pages: "test connection" with the uplink
// settings being edited (each broker once, the outcome in words), and "test
// now" of a modem or line card (asked at once instead of at the next poll).
import { useState } from 'preact/hooks';
import { describeError } from '../components/Feedback';
import type { UplinkTestResult } from '../types';
import { testLine, testUplink } from './api';
import { tc } from './i18n';
import type { Written } from './schema';

export function UplinkTest({ draft }: { draft: Written }) {
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<UplinkTestResult['results'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function run() {
    setBusy(true);
    setError(null);
    const r = await testUplink(draft);
    setBusy(false);
    if (r.ok) setResults(r.data.results);
    else setError(describeError(r));
  }
  return (
    <span class="cfg-tool">
      <button type="button" class="btn" data-testid="uplink-test" disabled={busy} onClick={() => void run()}>
        {busy ? tc('busy') : tc('uplink.test')}
      </button>
      {error && <span class="msg msg-error" role="alert">{error}</span>}
      {results && (
        <ul class="cfg-test-results" data-testid="uplink-test-results">
          {results.length === 0 && <li class="muted">{tc('uplink.noBrokers')}</li>}
          {results.map((x) => (
            <li key={x.url} data-ok={x.ok} class={x.ok ? 'ok' : 'bad'}>
              <span class="mono">{x.url}</span>: {x.ok ? tc('uplink.ok') : tc('uplink.failed')} — {x.detail}
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}

export function LineTestNow({ kind, id }: { kind: 'modems' | 'line-cards'; id: string }) {
  const [busy, setBusy] = useState(false);
  const [text, setText] = useState<{ ok: boolean; text: string } | null>(null);
  async function run() {
    setBusy(true);
    const r = await testLine(kind, id);
    setBusy(false);
    if (!r.ok) return setText({ ok: false, text: describeError(r) });
    if (kind === 'modems') {
      const m = r.data.modems.find((x) => x.id === id);
      setText(m ? { ok: m.state === 'ready', text: tc('line.modemState', { state: m.state, sim: m.sim, registration: m.registration, bars: m.bars, operator: m.operator ?? '—' }) } : { ok: false, text: id });
    } else {
      const c = r.data.lineCards.find((x) => x.id === id);
      setText(c ? { ok: c.status === 'ok', text: tc('line.cardState', { status: c.status, detail: c.detail, ports: c.ports.length }) } : { ok: false, text: id });
    }
  }
  return (
    <span class="cfg-tool">
      <button type="button" class="btn btn-small" data-testid={`line-test-${id}`} disabled={busy} onClick={() => void run()}>
        {busy ? tc('busy') : tc('line.testNow')}
      </button>
      {text && (
        <span class={`msg ${text.ok ? 'msg-ok' : 'msg-warn'}`} role="status" data-testid={`line-test-result-${id}`}>
          {text.text}
        </span>
      )}
    </span>
  );
}
