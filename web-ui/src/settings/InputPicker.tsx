// Which board input is which button: the call point form's input chooser
// lists the board's inputs (free ones first, used ones with their point), and
// shows live which input is pressed now. "Press to choose" takes the next
// input that is pressed — walk to the cabinet, press, the form has it. (A
// press of an input no point uses raises nothing; during a walk test a
// point's press is a test, not an alarm.)
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { BoardSnapshot, Subscribe } from '../types';
import { tc } from './i18n';

/** The board's snapshot, kept current from `board` events. */
export function useBoard(subscribe: Subscribe, streamEpoch: number): BoardSnapshot | null {
  const [board, setBoard] = useState<BoardSnapshot | null>(null);
  useEffect(() => {
    void api.getBoard().then((r) => r.ok && setBoard(r.data));
  }, [streamEpoch]);
  useEffect(() => subscribe('board', (b) => setBoard(b)), [subscribe]);
  return board;
}

export function InputPicker(p: { id: string; value: string; onChange: (v: string) => void; disabled: boolean; board: BoardSnapshot | null; usedBy: Map<string, string>; self: string | undefined }) {
  const [armed, setArmed] = useState(false);
  const pressed = (p.board?.inputs ?? []).filter((i) => i.pressed).map((i) => i.id);
  const before = useRef<string[]>(pressed);
  useEffect(() => {
    // A newly pressed input, while armed, becomes the point's input.
    const fresh = pressed.find((i) => !before.current.includes(i));
    before.current = pressed;
    if (armed && fresh) {
      p.onChange(fresh);
      setArmed(false);
    }
  }, [pressed.join(',')]);
  const inputs = [...(p.board?.inputs ?? [])].sort((a, b) => Number(p.usedBy.has(a.id) && p.usedBy.get(a.id) !== p.self) - Number(p.usedBy.has(b.id) && p.usedBy.get(b.id) !== p.self));
  const known = inputs.some((i) => i.id === p.value);
  return (
    <div class="input-picker">
      <select id={p.id} data-testid="field-input" disabled={p.disabled} value={p.value} onChange={(e) => p.onChange(e.currentTarget.value)}>
        {!p.value && <option value="">{tc('input.choose')}</option>}
        {!known && p.value && <option value={p.value}>{p.value}</option>}
        {inputs.map((i) => {
          const user = p.usedBy.get(i.id);
          return (
            <option key={i.id} value={i.id} data-testid={`input-option-${i.id}`}>
              {i.id} — {user && user !== p.self ? tc('input.usedBy', { point: user }) : tc('input.free')}
              {i.pressed ? ` ● ${tc('input.pressedNow')}` : ''}
            </option>
          );
        })}
      </select>
      <span class="press-now" role="status" aria-live="polite" data-testid="input-pressed-now" data-inputs={pressed.join(',')}>
        {pressed.length ? tc('input.pressed', { inputs: pressed.join(', ') }) : tc('input.nonePressed')}
      </span>
      {!p.disabled && (
        <button type="button" class={`btn btn-small${armed ? ' btn-primary' : ''}`} data-testid="input-press-to-pick" aria-pressed={armed} onClick={() => setArmed(!armed)}>
          {armed ? tc('input.waiting') : tc('input.pressToPick')}
        </button>
      )}
    </div>
  );
}
