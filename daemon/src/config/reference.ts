// The configuration reference in README.md, generated from the schema
// (`callpoint config docs`; `make docs` writes it into README.md, and a test
// fails when README.md is stale).
import { envName } from './env.js';
import { configJsonSchema } from './schema.js';

type S = {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  restart?: boolean;
  secret?: boolean;
  edit?: string;
  properties?: Record<string, S>;
  required?: string[];
  items?: S;
  anyOf?: S[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
};

function typeOf(s: S): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.type === 'array') return `list of ${s.items?.type === 'object' ? 'entries' : (s.items?.type ?? 'values')}`;
  if (s.type === 'object' && !s.properties) return 'mapping';
  return s.type ?? 'value';
}

export function configReference(): string {
  const rows: string[] = ['| key | type | default | env | description |', '|---|---|---|---|---|'];
  const walk = (s: S, path: string[], required: boolean) => {
    if (s.anyOf) s = s.anyOf.find((x) => x.type !== 'null') ?? s;
    const key = path.join('.');
    const isSection = s.type === 'object' && s.properties;
    if (path.length) {
      const def = s.default === undefined ? (required ? '**required**' : '') : isSection ? '' : `\`${JSON.stringify(s.default)}\``;
      const notes = [s.secret ? 'secret' : '', s.restart ? 'restart' : '', s.edit === 'technician' ? 'technicians edit' : ''].filter(Boolean).join(', ');
      const desc = `${s.title ? `**${s.title}.** ` : ''}${s.description ?? ''}${notes ? ` _(${notes})_` : ''}`;
      rows.push(`| \`${key}\` | ${isSection ? 'section' : typeOf(s)} | ${def} | ${isSection ? '' : `\`${envName(path)}\``} | ${desc.replaceAll('|', '\\|')} |`);
    }
    if (isSection) for (const [k, v] of Object.entries(s.properties!)) walk(v, [...path, k], !!s.required?.includes(k) && v.default === undefined);
    if (s.type === 'array' && s.items?.properties) {
      for (const [k, v] of Object.entries(s.items.properties)) {
        const sub = v.anyOf?.find((x) => x.type !== 'null') ?? v;
        const req = !!s.items.required?.includes(k) && sub.default === undefined;
        rows.push(`| \`${key}[].${k}\` | ${typeOf(sub)} | ${sub.default !== undefined ? `\`${JSON.stringify(sub.default)}\`` : req ? '**required**' : ''} | | ${`${sub.title ? `**${sub.title}.** ` : ''}${sub.description ?? (sub.pattern ? `pattern \`${sub.pattern}\`` : '')}`.replaceAll('|', '\\|')} |`);
      }
    }
  };
  walk(configJsonSchema(), [], true);
  return `${rows.join('\n')}\n`;
}
