// 内部备注 in the side panel: the chat's private notes (author and time, newest last) and a box to
// add one. Staff only, and marked so: the shopper never sees a note. Notes are typed by people,
// so they are shown as text nodes, never markup.
import { useEffect, useRef, useState } from 'preact/hooks';
import { dateTime } from '../../shared/format';
import { useStore } from '../../shared/store';
import { NOTE_LIMIT, type Note } from '../../shared/types';
import type { AgentDesk } from '../agentDesk';

const NO_NOTES: Note[] = [];

export function NotesCard({ desk, id }: { desk: AgentDesk; id: number }) {
  const notes = useStore(desk.store, (s) => s.chats[id]?.notes ?? NO_NOTES);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight; // the newest note is the last one
  }, [notes.length]);

  const add = async () => {
    if (busy || !draft.trim()) return;
    setBusy(true);
    const stored = await desk.annotations.addNote(id, draft);
    setBusy(false);
    if (stored) setDraft('');
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      void add();
    }
  };

  return (
    <section class="card notes-card" data-testid="notes">
      <h3>
        内部备注
        <span class="tag tag-internal" data-testid="notes-internal">
          仅内部可见
        </span>
      </h3>
      <p class="notes-hint">顾客看不到备注；本店的客服和主管都能看到。</p>
      {notes.length === 0 && <p class="empty-note">还没有备注</p>}
      <ul class="note-list" data-testid="note-list" ref={listRef}>
        {notes.map((n) => (
          <li key={n.id} class="note" data-testid="note-item" data-note-id={n.id}>
            <div class="note-head">
              <b data-testid="note-author">{n.author.name}</b>
              <span class="muted" data-testid="note-time">
                {dateTime(n.created_at)}
              </span>
            </div>
            <div class="text note-text" data-testid="note-text">
              {n.text}
            </div>
          </li>
        ))}
      </ul>
      <textarea
        class="note-input"
        data-testid="note-input"
        placeholder="写一条内部备注，Enter 添加，Shift+Enter 换行"
        maxLength={NOTE_LIMIT}
        value={draft}
        onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)}
        onKeyDown={onKeyDown}
      />
      <div class="note-foot">
        <span class="muted small-text">
          {draft.length}/{NOTE_LIMIT}
        </span>
        <button
          type="button"
          class="primary small"
          data-testid="note-add"
          disabled={busy || !draft.trim()}
          onClick={() => void add()}
        >
          添加备注
        </button>
      </div>
    </section>
  );
}
