// A form generated from the configuration's schema: one field per key, its
// kind from the key's type (text, number, choice, switch, list, mapping,
// one of several kinds), its label and help from the schema (translated where
// a translation exists), who may change it from `edit`, pickers for values
// that name an entry of another list (`ref`). A key added to the daemon's
// schema appears here without code of its own. The daemon validates; its
// message for a key shows under that key's field.
import type { ComponentChildren, JSX } from 'preact';
import { useRef } from 'preact/hooks';
import { SECRET_MASK, type Role } from '../types';
import { schemaText, tc } from './i18n';
import { emptyOf, isMap, join, listOf, mayEdit, memberOf, text as shown, type SchemaNode } from './schema';

export interface FormContext {
  /** Problems by path relative to the form's value (`targets[0].ringS`). */
  errors: Record<string, string>;
  /** Ids of each list, for the fields that name an entry of it. */
  refs: Record<string, string[]>;
  role: Role;
  /** The form's place in the whole configuration (`plans[2]`): for translations and the edit rule. */
  base: string;
  /** The schema nodes from the root down to the form's value. */
  trail: SchemaNode[];
  /** Special choosers (`picker` in the schema). */
  pickers?: Partial<Record<NonNullable<SchemaNode['picker']>, (p: { id: string; value: string; onChange: (v: string) => void; disabled: boolean }) => JSX.Element>>;
  /** Buttons beside an entry of a list, by the list's schema key (`lines.modems`): "test now". */
  entryActions?: Record<string, (entry: Record<string, unknown>) => ComponentChildren>;
}

interface FieldProps {
  node: SchemaNode;
  value: unknown;
  onChange: (v: unknown) => void;
  /** Relative to the form's value. */
  path: string;
  name: string;
  required: boolean;
  trail: SchemaNode[];
  ctx: FormContext;
}

const fieldId = (ctx: FormContext, path: string) => `f-${(ctx.base ? `${ctx.base}.${path}` : path).replace(/[^A-Za-z0-9_-]+/g, '-')}`;
const absolute = (ctx: FormContext, path: string) => (ctx.base ? (path.startsWith('[') ? `${ctx.base}${path}` : path ? `${ctx.base}.${path}` : ctx.base) : path);
const listKey = (ctx: FormContext, path: string) => absolute(ctx, path).replace(/\[[^\]]*\]/g, '').replace(/^\./, '');

export function SchemaForm(p: { node: SchemaNode; value: unknown; onChange: (v: unknown) => void; ctx: FormContext }) {
  const lists = [...new Set(collectRefs(p.node))];
  return (
    <div class="schema-form">
      {lists.map((l) => (
        <datalist key={l} id={`ref-${l}`}>
          {(p.ctx.refs[l] ?? []).map((id) => (
            <option key={id} value={id} />
          ))}
        </datalist>
      ))}
      <Field node={p.node} value={p.value} onChange={p.onChange} path="" name="" required trail={p.ctx.trail} ctx={p.ctx} />
    </div>
  );
}

function collectRefs(n: SchemaNode | undefined): string[] {
  if (!n) return [];
  return [...(n.ref ? [n.ref] : []), ...Object.values(n.properties ?? {}).flatMap(collectRefs), ...collectRefs(n.items), ...(n.anyOf ?? []).flatMap(collectRefs)];
}

function Field(p: FieldProps) {
  const { node } = p;
  if (node.const !== undefined) return null;
  if (node.anyOf) return <UnionField {...p} />;
  if (node.type === 'object') return node.properties ? <ObjectField {...p} /> : <RecordField {...p} />;
  if (node.type === 'array') {
    const item = node.items ?? {};
    if (item.enum) return <ChoicesField {...p} />;
    if (item.type === 'object' || item.anyOf) return <ListField {...p} />;
    return <LinesField {...p} />;
  }
  if (node.type === 'boolean') return <BooleanField {...p} />;
  if (node.enum) return <EnumField {...p} />;
  return <TextField {...p} />;
}

/** Label, help, restart and error around one input. */
function Row(p: FieldProps & { id: string; children: ComponentChildren; extra?: ComponentChildren }) {
  const text = schemaText(absolute(p.ctx, p.path), p.node, p.name);
  const error = p.ctx.errors[p.path];
  return (
    <div class={`field cfg-field${error ? ' has-error' : ''}`} data-path={p.path}>
      <label for={p.id}>
        {text.title}
        {p.required && <span class="req" aria-hidden="true"> *</span>}
        {p.node.restart && <span class="badge badge-info cfg-restart" title={tc('field.restartHint')}>{tc('field.restart')}</span>}
      </label>
      {p.children}
      {p.extra}
      {text.description && (
        <p class="help" id={`${p.id}-help`}>
          {text.description}
        </p>
      )}
      {error && (
        <p class="field-error" role="alert" id={`${p.id}-error`} data-testid={`field-error-${p.path}`}>
          {error}
        </p>
      )}
    </div>
  );
}

const described = (p: FieldProps, id: string) => ({
  'aria-invalid': p.ctx.errors[p.path] ? true : undefined,
  'aria-describedby': [p.ctx.errors[p.path] ? `${id}-error` : '', `${id}-help`].filter(Boolean).join(' '),
});

function TextField(p: FieldProps) {
  const id = fieldId(p.ctx, p.path);
  const disabled = !mayEdit(p.ctx.role, p.trail);
  const numeric = p.node.type === 'integer' || p.node.type === 'number';
  const secret = p.node.secret === true;
  // A secret that was set stays set when its field is emptied again (the mask means "keep").
  const initial = useRef(p.value);
  const raw = shown(p.value);
  const set = (text: string) => {
    if (text === '' && !p.required) return p.onChange(undefined);
    // A number that is not one goes to the daemon as typed: its message says what is wrong.
    if (numeric && /^-?\d+(\.\d+)?$/.test(text.trim())) return p.onChange(Number(text));
    p.onChange(text);
  };
  const input = secret ? (
    <input
      id={id}
      data-testid={`field-${p.path}`}
      type="password"
      autocomplete="new-password"
      disabled={disabled}
      placeholder={p.value === SECRET_MASK ? tc('secret.setKeep') : tc('secret.unset')}
      // The stored value never comes to the page: the mask means "keep it".
      value={p.value === SECRET_MASK ? '' : raw}
      onInput={(e) => (e.currentTarget.value === '' && initial.current === SECRET_MASK ? p.onChange(SECRET_MASK) : set(e.currentTarget.value))}
      {...described(p, id)}
    />
  ) : (
    <input
      id={id}
      data-testid={`field-${p.path}`}
      type="text"
      inputMode={numeric ? 'numeric' : undefined}
      autocomplete="off"
      list={p.node.ref ? `ref-${p.node.ref}` : undefined}
      disabled={disabled}
      placeholder={shown(p.node.default)}
      value={raw}
      onInput={(e) => set(e.currentTarget.value)}
      {...described(p, id)}
    />
  );
  const picker = p.node.picker ? p.ctx.pickers?.[p.node.picker] : undefined;
  return (
    <Row
      {...p}
      id={id}
      extra={
        secret && (
          <span class="secret-state" data-testid={`secret-${p.path}`} data-state={p.value === undefined ? 'unset' : 'set'}>
            {p.value === undefined ? tc('secret.stateUnset') : p.value === SECRET_MASK ? tc('secret.stateSet') : tc('secret.stateNew')}
            {p.value !== undefined && !disabled && !p.required && (
              <button type="button" class="btn btn-small" onClick={() => p.onChange(undefined)}>
                {tc('secret.remove')}
              </button>
            )}
          </span>
        )
      }
    >
      {picker ? picker({ id, value: raw, onChange: (v) => set(v), disabled }) : input}
    </Row>
  );
}

function EnumField(p: FieldProps) {
  const id = fieldId(p.ctx, p.path);
  const values = p.node.enum ?? [];
  return (
    <Row {...p} id={id}>
      <select
        id={id}
        data-testid={`field-${p.path}`}
        disabled={!mayEdit(p.ctx.role, p.trail)}
        value={shown(p.value)}
        onChange={(e) => p.onChange(e.currentTarget.value === '' ? undefined : values.find((v) => String(v) === e.currentTarget.value))}
        {...described(p, id)}
      >
        {(!p.required || p.value === undefined) && <option value="">{p.node.default !== undefined ? tc('field.default', { value: shown(p.node.default) }) : tc('field.none')}</option>}
        {values.map((v) => (
          <option key={String(v)} value={String(v)}>
            {String(v)}
          </option>
        ))}
      </select>
    </Row>
  );
}

function BooleanField(p: FieldProps) {
  const id = fieldId(p.ctx, p.path);
  const disabled = !mayEdit(p.ctx.role, p.trail);
  if (p.node.default === undefined) {
    // Unset means "the daemon decides" (log.pretty): three choices.
    return (
      <Row {...p} id={id}>
        <select id={id} data-testid={`field-${p.path}`} disabled={disabled} value={shown(p.value)} onChange={(e) => p.onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value === 'true')}>
          <option value="">{tc('field.auto')}</option>
          <option value="true">{tc('field.on')}</option>
          <option value="false">{tc('field.off')}</option>
        </select>
      </Row>
    );
  }
  return (
    <Row {...p} id={id}>
      <input id={id} data-testid={`field-${p.path}`} type="checkbox" class="check" disabled={disabled} checked={p.value === undefined ? p.node.default === true : p.value === true} onChange={(e) => p.onChange(e.currentTarget.checked)} />
    </Row>
  );
}

/** A list of plain values, one per line (brokers, phone numbers). */
function LinesField(p: FieldProps) {
  const id = fieldId(p.ctx, p.path);
  const list = listOf(p.value);
  return (
    <Row {...p} id={id}>
      <textarea
        id={id}
        data-testid={`field-${p.path}`}
        rows={Math.min(6, Math.max(2, list.length + 1))}
        disabled={!mayEdit(p.ctx.role, p.trail)}
        placeholder={tc('field.onePerLine')}
        value={list.map(shown).join('\n')}
        onInput={(e) => {
          const items = e.currentTarget.value.split('\n').map((s) => s.trim()).filter(Boolean);
          const numeric = p.node.items?.type === 'integer' || p.node.items?.type === 'number';
          p.onChange(items.length || p.required ? items.map((s) => (numeric && /^-?\d+$/.test(s) ? Number(s) : s)) : undefined);
        }}
        {...described(p, id)}
      />
    </Row>
  );
}

/** A set of choices (the alarm changes that send an SMS). */
function ChoicesField(p: FieldProps) {
  const id = fieldId(p.ctx, p.path);
  const list = Array.isArray(p.value) ? listOf(p.value) : listOf(p.node.default);
  const disabled = !mayEdit(p.ctx.role, p.trail);
  return (
    <Row {...p} id={id}>
      <span class="choices" id={id} role="group">
        {(p.node.items?.enum ?? []).map((v) => (
          <label key={String(v)} class="choice">
            <input
              type="checkbox"
              data-testid={`field-${p.path}-${String(v)}`}
              disabled={disabled}
              checked={list.includes(v)}
              onChange={(e) => p.onChange(e.currentTarget.checked ? [...list, v] : list.filter((x) => x !== v))}
            />
            {String(v)}
          </label>
        ))}
      </span>
    </Row>
  );
}

/** A mapping of free keys (log levels per namespace). */
function RecordField(p: FieldProps) {
  const id = fieldId(p.ctx, p.path);
  const map = isMap(p.value) ? p.value : {};
  const valueNode = typeof p.node.additionalProperties === 'object' ? p.node.additionalProperties : { type: 'string' };
  const disabled = !mayEdit(p.ctx.role, p.trail);
  const entries = Object.entries(map);
  const rename = (from: string, to: string) => p.onChange(Object.fromEntries(entries.map(([k, v]) => [k === from ? to : k, v])));
  return (
    <Row {...p} id={id}>
      <div class="record" id={id}>
        {entries.map(([k, v], i) => (
          <div class="record-row" key={i}>
            <input type="text" aria-label={tc('field.key')} data-testid={`field-${p.path}-key-${i}`} value={k} disabled={disabled} onInput={(e) => rename(k, e.currentTarget.value)} />
            {valueNode.enum ? (
              <select aria-label={tc('field.value')} data-testid={`field-${p.path}-value-${i}`} value={shown(v)} disabled={disabled} onChange={(e) => p.onChange({ ...map, [k]: e.currentTarget.value })}>
                {valueNode.enum.map((x) => (
                  <option key={String(x)} value={String(x)}>
                    {String(x)}
                  </option>
                ))}
              </select>
            ) : (
              <input type="text" aria-label={tc('field.value')} value={shown(v)} disabled={disabled} onInput={(e) => p.onChange({ ...map, [k]: e.currentTarget.value })} />
            )}
            {!disabled && (
              <button type="button" class="btn btn-small" onClick={() => p.onChange(Object.fromEntries(entries.filter(([x]) => x !== k)))}>
                {tc('list.remove')}
              </button>
            )}
          </div>
        ))}
        {!disabled && (
          <button type="button" class="btn btn-small" data-testid={`field-${p.path}-add`} onClick={() => p.onChange({ ...map, '': valueNode.enum?.[0] ?? '' })}>
            {tc('list.add')}
          </button>
        )}
      </div>
    </Row>
  );
}

function ObjectField(p: FieldProps) {
  const props = Object.entries(p.node.properties ?? {});
  const value = isMap(p.value) ? p.value : undefined;
  const disabled = !mayEdit(p.ctx.role, p.trail);
  const text = schemaText(absolute(p.ctx, p.path), p.node, p.name);
  // An optional section not written: offered, not shown empty.
  if (value === undefined && p.path !== '') {
    return (
      <div class="field cfg-absent" data-path={p.path}>
        <span class="label">{text.title}</span>
        {!disabled && (
          <button type="button" class="btn btn-small" data-testid={`field-${p.path}-add`} onClick={() => p.onChange(emptyOf(p.node))}>
            {tc('section.add', { title: text.title })}
          </button>
        )}
        {text.description && <p class="help">{text.description}</p>}
      </div>
    );
  }
  const body = props.map(([k, node]) => (
    <Field
      key={k}
      node={node}
      value={value?.[k]}
      onChange={(v) => {
        const next = { ...(value ?? {}) };
        if (v === undefined) delete next[k];
        else next[k] = v;
        p.onChange(next);
      }}
      path={join(p.path, k)}
      name={k}
      required={(p.node.required ?? []).includes(k) && node.default === undefined}
      trail={[...p.trail, node]}
      ctx={p.ctx}
    />
  ));
  const error = p.ctx.errors[p.path];
  if (p.path === '' || p.name === '') return <>{error && <p class="field-error" role="alert">{error}</p>}{body}</>;
  return (
    <fieldset class="cfg-group" data-path={p.path}>
      <legend>
        {text.title}
        {p.node.restart && <span class="badge badge-info cfg-restart">{tc('field.restart')}</span>}
      </legend>
      {text.description && <p class="help">{text.description}</p>}
      {error && (
        <p class="field-error" role="alert" data-testid={`field-error-${p.path}`}>
          {error}
        </p>
      )}
      {body}
      {!p.required && !disabled && (
        <button type="button" class="btn btn-small" onClick={() => p.onChange(undefined)}>
          {tc('section.remove', { title: text.title })}
        </button>
      )}
    </fieldset>
  );
}

/** One of several kinds (an escalation target: an extension, an outside number, a GSM number). */
function UnionField(p: FieldProps) {
  const members = p.node.anyOf ?? [];
  const at = memberOf(p.node, p.value);
  const member = members[at];
  const id = fieldId(p.ctx, `${p.path}-kind`);
  const disabled = !mayEdit(p.ctx.role, p.trail);
  const title = (i: number) => schemaText(`${absolute(p.ctx, p.path)}#${i}`, members[i], `#${i + 1}`).title;
  return (
    <div class="cfg-union" data-path={p.path}>
      <div class="field">
        <label for={id}>{tc('field.kind')}</label>
        <select
          id={id}
          data-testid={`field-${p.path}-kind`}
          disabled={disabled}
          value={String(at)}
          onChange={(e) => {
            const next = members[Number(e.currentTarget.value)];
            const fresh = emptyOf(next) as Record<string, unknown>;
            // Keys both kinds have (the ring time) are kept.
            for (const [k, v] of Object.entries(isMap(p.value) ? p.value : {})) if (next.properties?.[k] && !(next.required ?? []).includes(k)) fresh[k] = v;
            p.onChange(fresh);
          }}
        >
          {members.map((_, i) => (
            <option key={i} value={String(i)}>
              {title(i)}
            </option>
          ))}
        </select>
      </div>
      <Field {...p} node={member} trail={[...p.trail, member]} />
    </div>
  );
}

/** A list of mappings: each one a card, added, removed, moved (the order of a plan's targets matters). */
function ListField(p: FieldProps) {
  const list = listOf(p.value);
  const item = p.node.items ?? {};
  const disabled = !mayEdit(p.ctx.role, p.trail);
  const text = schemaText(absolute(p.ctx, p.path), p.node, p.name);
  const actions = p.ctx.entryActions?.[listKey(p.ctx, p.path)];
  const set = (next: unknown[]) => p.onChange(next.length || p.required ? next : undefined);
  const move = (i: number, d: -1 | 1) => {
    const next = [...list];
    [next[i], next[i + d]] = [next[i + d], next[i]];
    set(next);
  };
  const error = p.ctx.errors[p.path];
  return (
    <fieldset class="cfg-group cfg-list" data-path={p.path}>
      <legend>{text.title}</legend>
      {text.description && <p class="help">{text.description}</p>}
      {error && (
        <p class="field-error" role="alert" data-testid={`field-error-${p.path}`}>
          {error}
        </p>
      )}
      <ol class="cfg-items">
        {list.map((v, i) => (
          <li key={i} class="cfg-item" data-testid={`item-${p.path}[${i}]`}>
            <div class="cfg-item-head">
              <span class="label">{isMap(v) && (v.id ?? v.number) !== undefined ? shown(v.id ?? v.number) : `#${i + 1}`}</span>
              {isMap(v) && actions?.(v)}
              {!disabled && (
                <span class="btn-row">
                  <button type="button" class="btn btn-small" disabled={i === 0} aria-label={tc('list.up')} data-testid={`item-${p.path}[${i}]-up`} onClick={() => move(i, -1)}>
                    ↑
                  </button>
                  <button type="button" class="btn btn-small" disabled={i === list.length - 1} aria-label={tc('list.down')} onClick={() => move(i, 1)}>
                    ↓
                  </button>
                  <button type="button" class="btn btn-small" data-testid={`item-${p.path}[${i}]-remove`} onClick={() => set(list.filter((_, j) => j !== i))}>
                    {tc('list.remove')}
                  </button>
                </span>
              )}
            </div>
            <Field node={item} value={v} onChange={(x) => set(list.map((y, j) => (j === i ? x : y)))} path={join(p.path, i)} name="" required trail={[...p.trail, item]} ctx={p.ctx} />
          </li>
        ))}
      </ol>
      {!disabled && (
        <button type="button" class="btn btn-small" data-testid={`field-${p.path}-add`} onClick={() => set([...list, emptyOf(item)])}>
          {tc('list.add')}
        </button>
      )}
    </fieldset>
  );
}
