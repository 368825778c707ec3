// The reply box of the open chat, with its own draft per chat; "会话已结束" instead once the chat
// has ended. Enter sends (never during IME composition), Shift+Enter is a new line, Alt+1…Alt+9
// inserts the n-th suggestion, then the standard phrases; `/` opens the phrase picker. The
// politeness check (PolitenessHint, draftCheck.ts) holds a flagged draft back until a second Enter.
// Photos: 图片 picks one, and an image pasted into the box or dropped onto it is sent as a photo.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { imageFiles } from '../../shared/photos';
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import type { DeskState } from '../deskState';
import { usePhrasePicker } from './PhrasePicker';
import { useDraftCheck } from '../draftCheck';
import { PolitenessHint } from './PolitenessHint';

/** What Alt+1…Alt+9 insert, in the order the side panel numbers them: [text, FAQ entry]. */
function insertables(s: DeskState, id: number): [string, string | undefined][] {
  return [
    ...(s.chats[id]?.suggestions ?? []).map((x): [string, string | undefined] => [
      x.text,
      x.kind === 'faq' ? String(x.id) : undefined,
    ]),
    ...s.phrases.map((p): [string, undefined] => [p.text, undefined]),
  ];
}

export function Composer({ desk, id }: { desk: AgentDesk; id: number }) {
  const chat = useStore(desk.store, (s) => ({ draft: s.chats[id]?.draft ?? '', ended: s.chats[id]?.ended ?? null }));
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const picker = usePhrasePicker(desk, id, inputRef, chat.draft);
  const polite = useDraftCheck(desk, id, chat.draft);
  const fileRef = useRef<HTMLInputElement>(null);
  const [dropping, setDropping] = useState(false);

  // Before paint (a layout effect): focus taken after paint could land mid-typing elsewhere.
  useLayoutEffect(() => {
    inputRef.current?.focus();
  }, []);

  if (chat.ended) {
    return (
      <div class="ended" data-testid="chat-ended">
        {chat.ended.kind === 'unassigned'
          ? '该会话已不在您名下（已回到排队或转给其他客服）'
          : chat.ended.reason === 'blocked'
            ? '会话已结束：该顾客已被拉黑'
            : '会话已结束'}
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
      const chosen = insertables(desk.store.state, id)[Number(e.code.slice(5)) - 1];
      if (chosen) {
        e.preventDefault();
        desk.insert(id, chosen[0], chosen[1]);
      }
    }
  };

  const sendFiles = (files: File[]) => {
    for (const file of files) desk.sendPhoto(id, file);
  };
  const onPaste = (e: ClipboardEvent) => {
    const files = imageFiles(e.clipboardData);
    if (files.length) {
      e.preventDefault();
      sendFiles(files);
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDropping(false);
    sendFiles(imageFiles(e.dataTransfer));
  };
  const onDragOver = (e: DragEvent) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDropping(true);
  };

  return (
    <div
      class={`composer ${dropping ? 'dropping' : ''}`}
      data-testid="agent-composer"
      data-dropping={dropping ? 'true' : 'false'}
      onDragOver={onDragOver}
      onDragLeave={() => setDropping(false)}
      onDrop={onDrop}
    >
      {/* first: the hint sits on a line of its own above the reply box (politeness.css) */}
      {picker.popover}
      <PolitenessHint check={polite} onDone={() => inputRef.current?.focus()} />
      <button
        type="button"
        class="ghost photo-attach"
        data-testid="agent-photo-button"
        title="发送图片（也可以粘贴或拖入图片）"
        onClick={() => fileRef.current?.click()}
      >
        图片
      </button>
      <input
        ref={fileRef}
        type="file"
        accept="image/*"
        multiple
        hidden
        data-testid="agent-photo-input"
        onChange={(e) => {
          const input = e.target as HTMLInputElement;
          sendFiles(Array.from(input.files ?? []));
          input.value = '';
        }}
      />
      <textarea
        ref={inputRef}
        data-testid="agent-composer-input"
        placeholder="输入回复，Enter 发送，Shift+Enter 换行，Alt+数字 插入建议，输入 / 搜索常用语；可粘贴或拖入图片"
        value={chat.draft}
        maxLength={2000}
        onInput={(e) => desk.setDraft(id, (e.target as HTMLTextAreaElement).value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
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
