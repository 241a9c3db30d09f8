import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import { FeedbackView, type Feedback } from '../components/Feedback';
import { useTick, useTitle } from '../hooks';
import { t } from '../i18n';
import type { Session } from '../types';

interface LoginProps {
  /** Why we are here (signed out, session ended, password changed…). */
  notice: Feedback | null;
  onLoggedIn: (session: Session) => void;
}

export function Login({ notice, onLoggedIn }: LoginProps) {
  useTitle(t('login.title'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Feedback | null>(null);
  /** When throttled (429): time at which trying again makes sense. */
  const [retryAt, setRetryAt] = useState<number | null>(null);
  useTick(retryAt ? 1000 : 0);
  const secondsLeft = retryAt ? Math.max(0, Math.ceil((retryAt - Date.now()) / 1000)) : 0;

  useEffect(() => {
    if (retryAt && secondsLeft === 0) {
      setRetryAt(null);
      setError({ kind: 'info', key: 'login.throttledDone' });
    }
  }, [retryAt, secondsLeft]);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (!username.trim() || !password) {
      setError({ kind: 'error', key: 'login.missing' });
      return;
    }
    setBusy(true);
    setError(null);
    const r = await api.login(username.trim(), password);
    setBusy(false);
    if (r.ok) {
      onLoggedIn(r.data);
      return;
    }
    setPassword('');
    if (r.status === 429) {
      const s = Number(r.body.retryAfterS);
      setRetryAt(Date.now() + (Number.isFinite(s) && s > 0 ? s : 60) * 1000);
    } else {
      setRetryAt(null);
      setError(r.status === 401 ? { kind: 'error', key: 'login.badCredentials' } : { kind: 'error', err: r });
    }
  }

  const shown: Feedback | null = retryAt
    ? { kind: 'error', key: 'login.throttled', vars: { seconds: secondsLeft } }
    : error;

  return (
    <main class="auth" id="main">
      <section class="panel auth-panel" aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title')}</h1>
        <p class="muted">{t('login.intro')}</p>
        {notice && !shown && <FeedbackView feedback={notice} testid="login-notice" />}
        <form onSubmit={submit} noValidate>
          <div class="field">
            <label for="login-username">{t('common.username')}</label>
            <input
              id="login-username"
              data-testid="login-username"
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              autoFocus
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="login-password">{t('common.password')}</label>
            <input
              id="login-password"
              data-testid="login-password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </div>
          <FeedbackView feedback={shown} testid="login-error" />
          <button type="submit" class="btn btn-primary" data-testid="login-submit" disabled={busy}>
            {busy ? t('common.working') : t('login.submit')}
          </button>
        </form>
      </section>
    </main>
  );
}
