// The FreeSWITCH configuration the emulator runs with, read from the same
// files FreeSWITCH reads (what `callpoint provision freeswitch` writes):
//   autoload_configs/xml_curl.conf.xml  the dialplan binding: URL, basic-auth
//       credentials, timeout, the request fields to post (enable-post-var);
//   dialplan/*.xml                      the static contexts (the fallback);
//   sip_profiles/external/*.xml         the gateways, their params and variables.
// Element and attribute names as mod_xml_curl, mod_dialplan_xml and mod_sofia
// read them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findAll, parseXml, type XmlElement } from './xml-parse.js';

export interface XmlCurlBinding {
  url: string;
  /** user:password (gateway-credentials). */
  credentials: string | null;
  timeoutMs: number;
  /** Request fields posted besides the basic ones; empty: every field. */
  postVars: ReadonlySet<string>;
}

export interface DialplanAction {
  app: string;
  data: string;
}

export interface DialplanCondition {
  /** undefined: a condition without a field always holds. */
  field?: string;
  expression?: string;
  actions: DialplanAction[];
  antiActions: DialplanAction[];
}

export interface DialplanExtension {
  name: string;
  /** continue="true": after it matches, the next extensions are tried too. */
  continue: boolean;
  conditions: DialplanCondition[];
}

export interface GatewayDef {
  name: string;
  profile: string;
  params: Record<string, string>;
  /** Channel variables of the gateway: direction inbound, outbound or both. */
  variables: Array<{ name: string; value: string; direction: 'inbound' | 'outbound' | 'both' }>;
}

export interface FreeswitchConfig {
  dialplanBinding: XmlCurlBinding | null;
  contexts: Map<string, DialplanExtension[]>;
  gateways: GatewayDef[];
}

const actionsOf = (c: XmlElement, tag: string): DialplanAction[] => c.children.filter((a) => a.name === tag).map((a) => ({ app: a.attrs.application ?? '', data: a.attrs.data ?? '' }));

/** Every <context> of a dialplan document (a static file's <include>, or an xml_curl answer). */
export function contextsOf(root: XmlElement, into = new Map<string, DialplanExtension[]>()): Map<string, DialplanExtension[]> {
  for (const ctx of findAll(root, 'context')) {
    const list = into.get(ctx.attrs.name ?? '') ?? [];
    for (const ext of ctx.children.filter((e) => e.name === 'extension'))
      list.push({
        name: ext.attrs.name ?? '',
        continue: ext.attrs.continue === 'true',
        conditions: ext.children.filter((c) => c.name === 'condition').map((c) => ({ field: c.attrs.field, expression: c.attrs.expression, actions: actionsOf(c, 'action'), antiActions: actionsOf(c, 'anti-action') })),
      });
    into.set(ctx.attrs.name ?? '', list);
  }
  return into;
}

export function gatewaysOf(root: XmlElement, profile = 'external'): GatewayDef[] {
  return findAll(root, 'gateway').map((g) => ({
    name: g.attrs.name ?? '',
    profile,
    params: Object.fromEntries(findAll(g, 'param').map((p) => [p.attrs.name ?? '', p.attrs.value ?? ''])),
    variables: findAll(g, 'variable').map((v) => ({ name: v.attrs.name ?? '', value: v.attrs.value ?? '', direction: v.attrs.direction === 'inbound' || v.attrs.direction === 'outbound' ? v.attrs.direction : 'both' })),
  }));
}

/** The configuration from files by their path in the configuration directory (forward slashes). */
export function freeswitchConfigOf(files: ReadonlyMap<string, string>): FreeswitchConfig {
  const under = (dir: string) => [...files.keys()].filter((p) => p.startsWith(`${dir}/`) && p.endsWith('.xml') && !p.slice(dir.length + 1).includes('/')).sort();
  let dialplanBinding: XmlCurlBinding | null = null;
  const curl = files.get('autoload_configs/xml_curl.conf.xml');
  if (curl !== undefined) {
    for (const b of findAll(parseXml(curl), 'binding')) {
      const params = findAll(b, 'param');
      const url = params.find((p) => p.attrs.name === 'gateway-url');
      if (!url || !(url.attrs.bindings ?? '').split('|').includes('dialplan')) continue;
      const val = (n: string) => params.find((p) => p.attrs.name === n)?.attrs.value;
      dialplanBinding = {
        url: url.attrs.value ?? '',
        credentials: val('gateway-credentials') ?? null,
        timeoutMs: Number(val('timeout') ?? '0') * 1000 || 3000,
        postVars: new Set(params.filter((p) => p.attrs.name === 'enable-post-var').map((p) => p.attrs.value ?? '')),
      };
    }
  }
  const contexts = new Map<string, DialplanExtension[]>();
  for (const f of under('dialplan')) contextsOf(parseXml(files.get(f)!), contexts);
  const gateways = under('sip_profiles/external').flatMap((f) => gatewaysOf(parseXml(files.get(f)!)));
  return { dialplanBinding, contexts, gateways };
}

/** Read the configuration directory (the provisioning output, or FreeSWITCH's own conf dir). */
export function readFreeswitchConfig(dir: string): FreeswitchConfig {
  const files = new Map<string, string>();
  const take = (rel: string) => {
    const path = join(dir, ...rel.split('/'));
    if (existsSync(path)) files.set(rel, readFileSync(path, 'utf8'));
  };
  take('autoload_configs/xml_curl.conf.xml');
  for (const sub of ['dialplan', 'sip_profiles/external']) {
    const d = join(dir, ...sub.split('/'));
    if (existsSync(d)) for (const f of readdirSync(d)) if (f.endsWith('.xml')) take(`${sub}/${f}`);
  }
  return freeswitchConfigOf(files);
}
