// A text the daemon made (a fault's detail, a component's state, an audit
// note), shown in the reader's language from its phrase; the daemon's own
// English, when it says something else, is the tooltip (what central and the
// log have, for a technician who needs the driver's exact words).
import { say } from '../format';
import type { Phrase } from '../types';

export function Said(props: { phrase?: Phrase | null; detail: string; class?: string; testid?: string }) {
  const text = say(props.phrase, props.detail);
  return (
    <span class={props.class} title={text !== props.detail ? props.detail : undefined} data-testid={props.testid}>
      {text}
    </span>
  );
}
