// 下班交接: going offline with open chats asks for a note per chat and a shift summary (what is
// urgent, who must be contacted); then every chat goes back to its group's queue with its note.
import { useState } from 'preact/hooks';
import { useStore } from '../../shared/store';
import { HANDOVER_NOTE_LIMIT, SHIFT_SUMMARY_LIMIT } from '../../shared/types';
import type { AgentDesk } from '../agentDesk';

export function EndShiftDialog({ desk }: { desk: AgentDesk }) {
  const open = useStore(desk.store, (s) => s.endingShift);
  const chats = useStore(desk.store, (s) =>
    s.order.filter((id) => s.chats[id] && !s.chats[id].ended).map((id) => ({ id, name: s.chats[id].conversation.visitor.name })),
  );
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [summary, setSummary] = useState('');
  const [busy, setBusy] = useState(false);
  if (!open) return null;
  const tooLong = summary.trim().length > SHIFT_SUMMARY_LIMIT || chats.some((c) => (notes[c.id] ?? '').trim().length > HANDOVER_NOTE_LIMIT);
  const cancel = () => desk.handovers.askEndShift(false);
  const submit = async () => {
    setBusy(true);
    const done = await desk.handovers.endShift(notes, summary);
    setBusy(false);
    if (done) {
      setNotes({});
      setSummary('');
    }
  };
  return (
    <div class="block-backdrop" onMouseDown={(e) => e.target === e.currentTarget && cancel()}>
      <div class="block-dialog shift-dialog" role="dialog" aria-modal="true" aria-label="下班交接" data-testid="end-shift-dialog">
        <h2 class="block-title">下班交接</h2>
        <p class="muted small-text">您还有 {chats.length} 个会话在接待中。请为每个会话写下交接备注，下线后它们会回到所在分组的排队，由下一班接待。</p>
        {chats.map((c) => (
          <label key={c.id} class="shift-chat">
            <span class="block-label">{c.name}</span>
            <textarea
              class="block-reason"
              rows={2}
              data-testid="end-shift-note"
              data-conversation-id={c.id}
              placeholder="处理到哪一步，还需要做什么"
              value={notes[c.id] ?? ''}
              onInput={(e) => setNotes({ ...notes, [c.id]: (e.target as HTMLTextAreaElement).value })}
            />
          </label>
        ))}
        <label class="block-label" for="shift-summary">
          交接记录（必填：哪些事情紧急，需要联系谁）
        </label>
        <textarea
          id="shift-summary"
          class="block-reason"
          rows={3}
          data-testid="end-shift-summary"
          value={summary}
          onInput={(e) => setSummary((e.target as HTMLTextAreaElement).value)}
        />
        <div class="block-foot">
          <button type="button" class="ghost" data-testid="end-shift-cancel" onClick={cancel}>
            取消
          </button>
          <button
            type="button"
            class="primary"
            data-testid="end-shift-confirm"
            disabled={busy || !summary.trim() || tooLong}
            onClick={() => void submit()}
          >
            {busy ? '交接中…' : '交接并下线'}
          </button>
        </div>
      </div>
    </div>
  );
}
