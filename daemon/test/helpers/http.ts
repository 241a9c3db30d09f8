// A tiny HTTP client that keeps a session cookie and the CSRF token, as the web UI would.
export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  json: Record<string, unknown>;
}

export class Client {
  cookie: string | undefined;
  csrf: string | undefined;
  cookieName = 'callpoint';

  constructor(readonly base: string) {}

  async req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.cookie) h.cookie = `${this.cookieName}=${this.cookie}`;
    if (this.csrf && method !== 'GET' && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrf;
    const res = await fetch(this.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const m = /^([^=]+)=([^;]*)/.exec(setCookie);
      if (m) {
        this.cookieName = m[1]!;
        this.cookie = m[2] || undefined;
      }
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      /* not JSON */
    }
    const json = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    if (typeof json.csrfToken === 'string') this.csrf = json.csrfToken;
    return { status: res.status, headers: res.headers, body: parsed, json };
  }

  get(path: string) {
    return this.req('GET', path);
  }
  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.req('POST', path, body, headers);
  }

  async login(username: string, password: string): Promise<Reply> {
    return this.post('/api/login', { username, password });
  }
}
