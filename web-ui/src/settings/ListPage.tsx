// A settings page for a list of named things (zones, escalation plans, call
// points, phones, and any list the schema gives ids): the entries in a table,
// one entry edited at a time in the schema's form, reviewed and applied on
// its own (PUT /api/config/entries/…), so two people editing different
// entries never overwrite each other. Deleting what something still names is
// refused by the daemon with the list of what names it.
import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { FeedbackView, type Feedback } from '../components/Feedback';
import type { ConfigView, Role } from '../types';
import { deleteEntry, putEntry } from './api';
import { useApplyFlow } from './flow';
import { FlowView } from './FlowView';
import { schemaText, tc } from './i18n';
import { emptyOf, isMap, mayEdit, text, type SchemaNode, type Section, type Written } from './schema';
import { SchemaForm, type FormContext } from './SchemaForm';

type ListSection = Extract<Section, { kind: 'list' }>;

/** Columns beside the id: the entry's name or label, and the values that name other entries (zone, plan). */
function columnsOf(item: SchemaNode | undefined, idKey: string): string[] {
  const props = Object.entries(item?.properties ?? {});
  return props.filter(([k, n]) => k !== idKey && (k === 'name' || k === 'label' || !!n.ref || !!n.picker)).map(([k]) => k);
}

export function ListPage(p: {
  section: ListSection;
  root: SchemaNode;
  view: ConfigView;
  reload: () => Promise<ConfigView | undefined>;
  role: Role;
  refs: Record<string, string[]>;
  pickers?: FormContext['pickers'];
  /** Shown above the form of an entry (the live press indicator for points). */
  aside?: ComponentChildren;
}) {
  const { section } = p;
  const list = (Array.isArray(p.view.config[section.key]) ? p.view.config[section.key] : []) as Written[];
  const [editing, setEditing] = useState<{ id: string | null; draft: Written } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const item = section.node.items;
  const cols = columnsOf(item, section.idKey);
  const canEdit = mayEdit(p.role, [p.root, section.node]);
  const title = (k: string) => schemaText(`${section.key}[].${k}`, item?.properties?.[k], k).title;
  const idOf = (e: Written) => text(e[section.idKey]);

  return (
    <div data-testid={`section-${section.key}`}>
      {message && (
        <p class="msg msg-ok" role="status" data-testid="list-message">
          {message}
        </p>
      )}
      <div class="table-wrap">
        <table class="table cfg-entries">
          <thead>
            <tr>
              <th scope="col">{title(section.idKey)}</th>
              {cols.map((c) => (
                <th key={c} scope="col">
                  {title(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.length === 0 && (
              <tr>
                <td colSpan={cols.length + 1} class="muted">
                  {tc('list.empty')}
                </td>
              </tr>
            )}
            {list.map((e) => (
              <tr key={idOf(e)} data-testid={`entry-${idOf(e)}`} class={editing?.id === idOf(e) ? 'selected' : undefined}>
                <td>
                  <button type="button" class="link-button mono" data-testid={`entry-edit-${idOf(e)}`} onClick={() => (setMessage(null), setEditing({ id: idOf(e), draft: structuredClone(e) }))}>
                    {idOf(e)}
                  </button>
                </td>
                {cols.map((c) => (
                  <td key={c}>{text(e[c])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canEdit && (
        <div class="btn-row">
          <button type="button" class="btn" data-testid="entry-add" onClick={() => (setMessage(null), setEditing({ id: null, draft: (emptyOf(item ?? {}) as Written) ?? {} }))}>
            {tc('list.addEntry', { what: schemaText(section.key, section.node, section.key).title })}
          </button>
        </div>
      )}
      {editing && (
        <EntryEditor
          key={editing.id ?? 'new'}
          {...p}
          id={editing.id}
          initial={editing.draft}
          onClose={(m) => {
            setEditing(null);
            setMessage(m);
          }}
        />
      )}
    </div>
  );
}

function EntryEditor(
  p: Parameters<typeof ListPage>[0] & { id: string | null; initial: Written; onClose: (message: string | null) => void },
) {
  const { section } = p;
  const [draft, setDraft] = useState<Written>(p.initial);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleteErrors, setDeleteErrors] = useState<string[]>([]);
  const [deleteFeedback, setDeleteFeedback] = useState<Feedback | null>(null);
  const idNow = () => p.id ?? text(draft[section.idKey]);
  const entriesOf = (base: Written) => (Array.isArray(base[section.key]) ? (base[section.key] as Written[]) : []);
  const indexIn = (base: Written) => {
    const list = entriesOf(base);
    const at = p.id === null ? -1 : list.findIndex((e) => isMap(e) && String(e[section.idKey]) === p.id);
    return at < 0 ? list.length : at;
  };
  const build = (base: Written): Written => {
    const list = [...entriesOf(base)];
    list[indexIn(base)] = draft;
    return { ...base, [section.key]: list };
  };
  const flow = useApplyFlow({
    view: p.view,
    reload: p.reload,
    build,
    prefix: (base) => `${section.key}[${indexIn(base)}]`,
    submit: (version) => putEntry(version, section.key, idNow(), draft),
  });
  const canEdit = mayEdit(p.role, [p.root, section.node]);

  async function remove(): Promise<void> {
    if (!p.id) return;
    const r = await deleteEntry(p.view.version, section.key, p.id);
    if (r.ok) {
      await p.reload();
      p.onClose(tc('entry.deleted', { id: p.id, version: r.data.version }));
      return;
    }
    const errors = (r.body.errors ?? []) as Array<{ path: string; message: string }>;
    setDeleteErrors(errors.map((e) => `${e.path}: ${e.message}`));
    setDeleteFeedback(errors.length ? null : { kind: 'error', err: r });
    setConfirmDelete(false);
  }

  return (
    <section class="panel cfg-entry" aria-labelledby="entry-title" data-testid="entry-editor">
      <h2 id="entry-title">{p.id === null ? tc('entry.new') : tc('entry.edit', { id: p.id })}</h2>
      {p.aside}
      <FlowView
        flow={flow}
        readOnly={!canEdit}
        extra={
          <>
            <button type="button" class="btn" data-testid="entry-close" onClick={() => p.onClose(null)}>
              {tc('entry.close')}
            </button>
            {p.id !== null && canEdit && !confirmDelete && (
              <button type="button" class="btn btn-danger" data-testid="entry-delete" onClick={() => setConfirmDelete(true)}>
                {tc('entry.delete')}
              </button>
            )}
            {confirmDelete && (
              <button type="button" class="btn btn-danger" data-testid="entry-delete-confirm" onClick={() => void remove()}>
                {tc('entry.deleteConfirm', { id: p.id ?? '' })}
              </button>
            )}
          </>
        }
      >
        <SchemaForm
          node={section.node.items ?? {}}
          value={draft}
          onChange={(v) => setDraft((v as Written | undefined) ?? {})}
          ctx={{ errors: flow.errors, refs: p.refs, role: p.role, base: `${section.key}[]`, trail: [p.root, section.node, section.node.items ?? {}], pickers: p.pickers }}
        />
      </FlowView>
      {deleteErrors.length > 0 && (
        <ul class="msg msg-error" role="alert" data-testid="delete-refused">
          {deleteErrors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      <FeedbackView feedback={deleteFeedback} testid="delete-feedback" />
    </section>
  );
}
