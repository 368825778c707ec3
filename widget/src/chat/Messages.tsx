// The shopper's message list: stored messages (text, "did you mean" choices, photos, event
// lines), then my messages and photos on their way with their state (发送中 / 等待网络 / 发送失败 +
// 重试, a photo with its upload progress). Every text a person typed is a Preact text node.
import { Fragment } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { MessageCard, isCardKind } from '../shared/CardView';
import { ErrorBoundary } from '../shared/ErrorBoundary';
import { PendingPhoto, PhotoThumb } from '../shared/PhotoView';
import { clockTime } from '../shared/format';
import { PHOTO_ERROR_TEXT, mayRetry, type PhotoProgress } from '../shared/photos';
import { useStore } from '../shared/store';
import type { ConversationStatus, Message, SuggestionChoice } from '../shared/types';
import type { ShopperChat, ShopperOutgoing } from './client';
import { ERROR_TEXT } from './errorText';
import { LeaveMessageCard } from './LeaveMessageCard';
import { RatingCard } from './RatingCard';

const UNSHOWABLE = (
  <div class="event-line" data-testid="message-unshowable">
    <span>此条消息暂时无法显示</span>
  </div>
);

/** The list, and each message in it, behind an error boundary: one bad message never blanks
 * the widget (the composer stays usable). */
export function MessageList({ chat }: { chat: ShopperChat }) {
  return (
    <ErrorBoundary fallback={<div class="messages">{UNSHOWABLE}</div>}>
      <Messages chat={chat} />
    </ErrorBoundary>
  );
}

function Messages({ chat }: { chat: ShopperChat }) {
  const state = useStore(chat.store, (st) => ({
    ready: st.ready,
    messages: st.messages,
    outbox: st.outbox,
    photos: st.photos,
    agentTyping: st.agentTyping,
    agentRead: st.agentRead,
    status: st.status,
  }));
  const ratingPhase = useStore(chat.rating.store, (r) => r.card.phase);
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const count = state.messages.length + state.outbox.length;

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [count, state.agentTyping, ratingPhase]);

  const onScroll = () => {
    const el = ref.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };

  const lastSuggestions = [...state.messages].reverse().find((m) => m.kind === 'suggestions')?.id;
  // the rating card follows the farewell of the round it rates
  const lastFarewell = [...state.messages].reverse().find((m) => m.meta?.event === 'closed')?.id;
  const leaveOffer = openLeaveOffer(state.messages, state.status);
  // like WeChat: 已读 under the last of my messages the agent has read, 已送达 under later ones
  const lastReadMine = [...state.messages]
    .reverse()
    .find((m) => m.sender === 'visitor' && m.seq <= state.agentRead)?.id;
  const readLabel = (m: Message) => (m.id === lastReadMine ? '已读' : m.seq > state.agentRead ? '已送达' : '');

  return (
    <div class="messages" ref={ref} onScroll={onScroll} data-testid="message-list" aria-live="polite">
      {!state.ready && state.messages.length === 0 && (
        <div class="loading" data-testid="chat-loading">
          正在连接客服…
        </div>
      )}
      {state.messages.map((m) => (
        <Fragment key={m.id}>
          <ErrorBoundary fallback={UNSHOWABLE}>
            <MessageRow m={m} chat={chat} choicesActive={m.id === lastSuggestions} readLabel={readLabel(m)} />
          </ErrorBoundary>
          {m.id === lastFarewell && <RatingCard chat={chat} />}
          {m.id === leaveOffer && <LeaveMessageCard chat={chat} />}
        </Fragment>
      ))}
      {state.outbox.map((o) => (
        <ErrorBoundary key={o.client_id} fallback={UNSHOWABLE}>
          <PendingRow o={o} chat={chat} progress={state.photos[o.client_id]} />
        </ErrorBoundary>
      ))}
    </div>
  );
}

/** The bot's latest 留言 offer, while it still stands: no 留言 sent since, no person serving. */
function openLeaveOffer(messages: Message[], status: ConversationStatus): number | undefined {
  if (status === 'assigned') return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.sender === 'visitor' && m.meta?.leave_message) return undefined;
    if (m.meta?.leave_message_offer) return m.id;
  }
  return undefined;
}

interface RowProps {
  m: Message;
  chat: ShopperChat;
  choicesActive: boolean;
  readLabel: string;
}

function MessageRow({ m, chat, choicesActive, readLabel }: RowProps) {
  if (m.kind === 'event' || m.sender === 'system') {
    return (
      <div class="event-line" data-testid="message" data-sender={m.sender} data-kind={m.kind} data-id={m.id}>
        <span data-testid="message-text">{m.text}</span>
      </div>
    );
  }
  const mine = m.sender === 'visitor';
  const choices: SuggestionChoice[] = m.kind === 'suggestions' ? (m.meta?.choices ?? []) : [];
  const image = m.kind === 'image' ? m.meta?.image : undefined;
  const card = isCardKind(m.kind) ? <MessageCard kind={m.kind} card={m.meta?.card} testid="message" /> : null;
  return (
    <div
      class={`row ${mine ? 'row-mine' : 'row-theirs'}`}
      data-testid="message"
      data-sender={m.sender}
      data-kind={m.kind}
      data-id={m.id}
      data-client-id={m.client_id ?? undefined}
      data-state={mine ? 'sent' : undefined}
    >
      {!mine && (
        <div class={`avatar avatar-${m.sender}`} aria-hidden="true">
          {m.sender === 'bot' ? '智' : (m.sender_name || '客').slice(0, 1)}
        </div>
      )}
      <div class="bubble-wrap">
        {!mine && (
          <div class="sender-name">
            {m.sender === 'bot' ? m.sender_name || '智能客服' : m.sender_name || '客服'} · {clockTime(m.created_at)}
          </div>
        )}
        <div class={`bubble ${image ? 'bubble-photo' : ''} ${card ? 'bubble-card' : ''}`}>
          {image ? (
            <PhotoThumb image={image} testid="message-image" />
          ) : card ? (
            card
          ) : (
            <span class="text" data-testid="message-text">
              {m.text}
            </span>
          )}
          {choices.length > 0 && (
            <div class="choices">
              {choices.map((c) => (
                <button
                  type="button"
                  class="choice"
                  key={c.faq_id}
                  data-testid="suggestion-choice"
                  data-faq-id={c.faq_id}
                  disabled={!choicesActive}
                  onClick={() => chat.send(c.question, c.faq_id)}
                >
                  {c.question}
                </button>
              ))}
            </div>
          )}
        </div>
        {mine && (
          <div class="meta" data-testid="message-status">
            {clockTime(m.created_at)}
            {readLabel && (
              <span class={readLabel === '已读' ? 'read-mark read' : 'read-mark'} data-testid="message-read">
                {' '}
                {readLabel}
              </span>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

function PendingRow({ o, chat, progress }: { o: ShopperOutgoing; chat: ShopperChat; progress?: PhotoProgress }) {
  const failed = o.state === 'failed';
  const photo = o.kind === 'image';
  const uploading = photo && !o.attachment_id && !failed;
  const waitsForPrechat = useStore(chat.host.store, (h) => !h.prechatDone);
  const errorText = PHOTO_ERROR_TEXT[o.error ?? ''] ?? ERROR_TEXT[o.error ?? ''] ?? '发送失败';
  return (
    <div
      class="row row-mine"
      data-testid="message"
      data-sender="visitor"
      data-kind={o.kind ?? 'text'}
      data-client-id={o.client_id}
      data-state={failed ? 'failed' : 'sending'}
    >
      <div class="bubble-wrap">
        {photo ? (
          <PendingPhoto item={o} progress={progress} testid="upload-progress" />
        ) : o.card ? (
          <div class={`bubble bubble-card ${failed ? 'bubble-failed' : 'bubble-pending'}`}>
            <MessageCard kind={o.kind ?? ''} card={o.card} testid="pending" />
          </div>
        ) : (
          <div class={`bubble ${failed ? 'bubble-failed' : 'bubble-pending'}`}>
            <span class="text" data-testid="message-text">
              {o.text}
            </span>
          </div>
        )}
        <div class="meta" data-testid="message-status">
          {failed ? (
            <>
              <span class="failed" title={o.error}>
                {errorText}
              </span>
              {mayRetry(o) && (
                <button type="button" class="link-button" data-testid="message-retry" onClick={() => chat.retry(o.client_id)}>
                  重试
                </button>
              )}
              <button type="button" class="link-button" data-testid="message-remove" onClick={() => chat.remove(o.client_id)}>
                移除
              </button>
            </>
          ) : uploading ? (
            '图片上传中…'
          ) : o.state === 'queued' && waitsForPrechat ? (
            '请先填写下方信息，提交后自动发送'
          ) : o.state === 'queued' ? (
            '等待网络，恢复后自动发送…'
          ) : (
            '发送中…'
          )}
        </div>
      </div>
    </div>
  );
}
