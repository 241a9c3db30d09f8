// A settings page for a section of the configuration that is one mapping
// (the admin server, FreeSWITCH, the uplink, the lines, logging) or the
// top-level keys (site, node, board): the schema's form, reviewed and applied
// as a whole configuration with this section changed, on the version read.
import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { ConfigView, Role } from '../types';
import { putConfig } from './api';
import { useApplyFlow } from './flow';
import { FlowView } from './FlowView';
import { mayEdit, type SchemaNode, type Section, type Written } from './schema';
import { SchemaForm, type FormContext } from './SchemaForm';

export function SectionPage(p: {
  section: Exclude<Section, { kind: 'list' }>;
  root: SchemaNode;
  view: ConfigView;
  reload: () => Promise<ConfigView | undefined>;
  role: Role;
  refs: Record<string, string[]>;
  entryActions?: FormContext['entryActions'];
  /** Extra buttons that act on the draft (test connection). */
  tools?: (draft: Written) => ComponentChildren;
}) {
  const { section } = p;
  const pick = (config: Written): Written => (section.kind === 'general' ? Object.fromEntries(section.keys.filter((k) => config[k] !== undefined).map((k) => [k, config[k]])) : ((config[section.key] as Written | undefined) ?? {}));
  const [draft, setDraft] = useState<Written>(() => structuredClone(pick(p.view.config)));
  useEffect(() => setDraft(structuredClone(pick(p.view.config))), [section.key]);
  const build = (base: Written): Written => {
    if (section.kind === 'general') {
      const next = { ...base };
      for (const k of section.keys) {
        if (draft[k] === undefined) delete next[k];
        else next[k] = draft[k];
      }
      return next;
    }
    return { ...base, [section.key]: draft };
  };
  const flow = useApplyFlow({
    view: p.view,
    reload: p.reload,
    build,
    prefix: () => (section.kind === 'general' ? '' : section.key),
    submit: (version) => putConfig(version, build(p.view.config)),
  });
  const trail = section.kind === 'general' ? [p.root] : [p.root, section.node];
  const readOnly = section.kind === 'general' ? !section.keys.some((k) => mayEdit(p.role, [p.root, p.root.properties![k]])) : !mayEdit(p.role, trail);
  return (
    <div data-testid={`section-${section.key}`}>
      <FlowView flow={flow} readOnly={readOnly} extra={p.tools?.(draft)}>
        <SchemaForm
          node={section.node}
          value={draft}
          onChange={(v) => setDraft((v as Written | undefined) ?? {})}
          ctx={{ errors: flow.errors, refs: p.refs, role: p.role, base: section.kind === 'general' ? '' : section.key, trail, entryActions: p.entryActions }}
        />
      </FlowView>
    </div>
  );
}
