// The reply box of the open chat, with its own draft per chat; "会话已结束" instead once the chat
// has ended. Enter sends (never during IME composition), Shift+Enter is a new line, Alt+1…Alt+9
// inserts the n-th suggestion, then the standard phrases; `/` opens the phrase picker. The
// politeness check (PolitenessHint, draftCheck.ts) holds a flagged draft back until a second Enter.
import { useEffect, useRef } from 'preact/hooks';
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import type { DeskState } from '../deskState';
import { usePhrasePicker } from './PhrasePicker';
import { useDraftCheck } from '../draftCheck';
import { PolitenessHint } from './PolitenessHint';

/** What Alt+1…Alt+9 insert, in the order the side panel numbers them. */
function insertables(s: DeskState, id: number): string[] {
  return [...(s.chats[id]?.suggestions ?? []).map((x) => x.text), ...s.phrases.map((p) => p.text)];
}

export function Composer({ desk, id }: { desk: AgentDesk; id: number }) {
  const chat = useStore(desk.store, (s) => ({ draft: s.chats[id]?.draft ?? '', ended: s.chats[id]?.ended ?? null }));
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const picker = usePhrasePicker(desk, id, inputRef, chat.draft);
  const polite = useDraftCheck(desk, id, chat.draft);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  if (chat.ended) {
    return (
      <div class="ended" data-testid="chat-ended">
        {chat.ended.kind === 'closed' ? '会话已结束' : '该会话已不在您名下（已回到排队或转给其他客服）'}
      </div>
    );
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (picker.onKeyDown(e)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      void polite.send();
      return;
    }
    if (e.altKey && /^Digit[1-9]$/.test(e.code)) {
      const text = insertables(desk.store.state, id)[Number(e.code.slice(5)) - 1];
      if (text) {
        e.preventDefault();
        desk.insert(id, text);
      }
    }
  };

  return (
    <div class="composer">
      {picker.popover}
      <PolitenessHint check={polite} onDone={() => inputRef.current?.focus()} />
      <textarea
        ref={inputRef}
        data-testid="agent-composer-input"
        placeholder="输入回复，Enter 发送，Shift+Enter 换行，Alt+数字 插入建议，输入 / 搜索常用语"
        value={chat.draft}
        maxLength={2000}
        onInput={(e) => desk.setDraft(id, (e.target as HTMLTextAreaElement).value)}
        onKeyDown={onKeyDown}
      />
      <button
        type="button"
        class="primary"
        data-testid="agent-send"
        disabled={!chat.draft.trim()}
        onClick={() => {
          void polite.send();
          inputRef.current?.focus();
        }}
      >
        发送
      </button>
    </div>
  );
}
