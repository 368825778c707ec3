// The shopper's composer: 转人工, 图片 (pick a photo; on a phone the camera is offered by the
// system), and the text box. Pasting an image sends it as a photo. Enter sends, Shift+Enter is a
// new line, and Enter during IME composition (pinyin) never sends.
import { useEffect, useRef, useState } from 'preact/hooks';
import { imageFiles } from '../shared/photos';
import type { ShopperChat } from './client';

const PHOTO_ICON = (
  <svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2">
    <rect x="3" y="5" width="18" height="14" rx="2" />
    <circle cx="9" cy="10" r="2" />
    <path d="M21 16l-5-5-8 8" />
  </svg>
);

export function Composer({
  chat,
  canHandoff,
  handoffBusy,
  canSendPhotos,
}: {
  chat: ShopperChat;
  canHandoff: boolean;
  handoffBusy: boolean;
  canSendPhotos: boolean;
}) {
  const [text, setText] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const sendFiles = (files: File[]) => {
    for (const file of files) chat.sendPhoto(file);
  };

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 112)}px`;
  }, [text]);

  const submit = () => {
    if (chat.send(text)) setText('');
    ref.current?.focus();
  };

  return (
    <div class="composer">
      <div class="composer-tools">
        <button
          type="button"
          class="chip"
          data-testid="handoff-button"
          disabled={!canHandoff || handoffBusy}
          onClick={() => void chat.handoff()}
        >
          转人工
        </button>
        <button
          type="button"
          class="chip photo-button"
          data-testid="photo-button"
          aria-label="发送图片"
          disabled={!canSendPhotos}
          onClick={() => fileRef.current?.click()}
        >
          {PHOTO_ICON}图片
        </button>
        <input
          ref={fileRef}
          type="file"
          accept="image/*"
          multiple
          hidden
          data-testid="photo-input"
          onChange={(e) => {
            const input = e.target as HTMLInputElement;
            sendFiles(Array.from(input.files ?? []));
            input.value = ''; // the same photo can be picked again
          }}
        />
      </div>
      <div class="composer-row">
        <textarea
          ref={ref}
          rows={1}
          value={text}
          placeholder="请输入您的问题…"
          aria-label="输入消息"
          data-testid="composer-input"
          maxLength={2000}
          onInput={(e) => {
            setText((e.target as HTMLTextAreaElement).value);
            chat.typing();
          }}
          onPaste={(e) => {
            const files = canSendPhotos ? imageFiles(e.clipboardData) : [];
            if (files.length) {
              e.preventDefault();
              sendFiles(files);
            }
          }}
          onKeyDown={(e) => {
            // Enter sends, Shift+Enter is a new line; never send while an IME is composing
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <button type="button" class="send" data-testid="composer-send" disabled={!text.trim()} onClick={submit}>
          发送
        </button>
      </div>
    </div>
  );
}
