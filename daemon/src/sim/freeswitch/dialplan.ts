// The XML dialplan as FreeSWITCH hunts it (mod_dialplan_xml, with mod_xml_curl
// bound to the dialplan section):
//   1. mod_xml_curl posts the lookup to the binding's URL: the basic fields
//      (hostname, section, tag_name, key_name, key_value) and, of the
//      channel's REQUEST_PARAMS event (channel headers, its variables as
//      variable_*, the caller profile as Hunt-*), only the fields named by
//      enable-post-var; HTTP basic auth; the binding's timeout.
//   2. An answer that is not 200, not XML, or "not found" — or no answer in
//      time — falls back to the static configuration (dialplan/*.xml).
//   3. In the context, each extension's conditions are tested in order
//      (field: destination_number or a ${variable}; expression: a regex);
//      a matching extension contributes its actions ($1… from the last
//      regex), and the hunt stops unless it has continue="true".
import { hostname } from 'node:os';
import { channelHeaders, variableHeaders, type Channel } from './channel.js';
import { contextsOf, type DialplanAction, type DialplanExtension, type FreeswitchConfig } from './fs-config.js';
import { parseXml } from './xml-parse.js';

export interface HuntResult {
  actions: DialplanAction[];
  /** Where the extensions came from. */
  source: 'xml_curl' | 'static';
  extensions: string[];
}

/** ${var} of a channel (FreeSWITCH's switch_channel_expand_variables, for the forms our dialplans use). */
export function expand(c: Channel, text: string): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)(?:\(([^)]*)\))?\}/g, (_m, name: string, args: string | undefined) => {
    if (args !== undefined) return name === 'strftime' ? strftime(args) : '';
    return c.vars.get(name) ?? '';
  });
}

function strftime(fmt: string): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return fmt.replace(/%Y/g, String(d.getFullYear())).replace(/%m/g, p(d.getMonth() + 1)).replace(/%d/g, p(d.getDate())).replace(/%H/g, p(d.getHours())).replace(/%M/g, p(d.getMinutes()));
}

/** The REQUEST_PARAMS of a dialplan lookup, as mod_dialplan_xml builds them. */
function requestParams(c: Channel, context: string): Array<[string, string]> {
  const hunt: Array<[string, string]> = [
    ['Hunt-Username', c.vars.get('user_name') ?? ''], ['Hunt-Dialplan', 'XML'], ['Hunt-Caller-ID-Name', c.callerIdName ?? ''], ['Hunt-Caller-ID-Number', c.callerIdNumber],
    ['Hunt-Network-Addr', c.networkAddr ?? ''], ['Hunt-ANI', c.callerIdNumber], ['Hunt-Destination-Number', c.destination], ['Hunt-Unique-ID', c.uuid], ['Hunt-Source', c.source],
    ['Hunt-Context', context], ['Hunt-Channel-Name', c.name],
  ];
  return [['Event-Name', 'REQUEST_PARAMS'], ...channelHeaders(c), ...variableHeaders(c), ...hunt];
}

export class XmlDialplan {
  constructor(private readonly cfg: FreeswitchConfig) {}

  /** Ask the binding; null: no answer to use (FreeSWITCH then reads its static files). */
  private async curl(c: Channel, context: string): Promise<Map<string, DialplanExtension[]> | null> {
    const b = this.cfg.dialplanBinding;
    if (!b) return null;
    const form = new URLSearchParams({ hostname: hostname(), section: 'dialplan', tag_name: '', key_name: '', key_value: '' });
    for (const [k, v] of requestParams(c, context)) if (!b.postVars.size || b.postVars.has(k)) form.append(k, v);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (b.credentials) headers.authorization = `Basic ${Buffer.from(b.credentials).toString('base64')}`;
    try {
      const res = await fetch(b.url, { method: 'POST', headers, body: form, signal: AbortSignal.timeout(b.timeoutMs) });
      const text = await res.text();
      if (res.status !== 200) return null;
      const root = parseXml(text);
      const contexts = contextsOf(root);
      return contexts.size ? contexts : null;
    } catch {
      return null;
    }
  }

  private match(exts: readonly DialplanExtension[], c: Channel): { actions: DialplanAction[]; names: string[] } {
    const actions: DialplanAction[] = [];
    const names: string[] = [];
    for (const ext of exts) {
      let groups: string[] = [];
      let all = true;
      const mine: DialplanAction[] = [];
      for (const cond of ext.conditions) {
        if (cond.field === undefined || cond.expression === undefined) {
          mine.push(...cond.actions);
          continue;
        }
        const value = cond.field === 'destination_number' ? c.destination : cond.field === 'caller_id_number' ? c.callerIdNumber : expand(c, cond.field);
        const m = new RegExp(cond.expression).exec(value);
        if (!m) {
          all = false;
          mine.push(...cond.antiActions);
          break;
        }
        groups = [...m];
        mine.push(...cond.actions.map((a) => ({ app: a.app, data: a.data.replace(/\$(\d)/g, (_x, n: string) => groups[Number(n)] ?? '') })));
      }
      if (!all) continue;
      actions.push(...mine);
      names.push(ext.name);
      if (!ext.continue) break;
    }
    return { actions, names };
  }

  async hunt(c: Channel, context: string): Promise<HuntResult> {
    const fetched = await this.curl(c, context);
    const fromCurl = fetched?.get(context);
    const exts = fromCurl ?? this.cfg.contexts.get(context) ?? [];
    const { actions, names } = this.match(exts, c);
    return { actions, source: fromCurl ? 'xml_curl' : 'static', extensions: names };
  }
}
