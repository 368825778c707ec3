// The shopper chat app shown in the loader's iframe. Every text a person typed is rendered as a
// Preact text node, never as HTML. The frame and the message list each subscribe to their own
// part of the state, so a message arriving does not redraw the header, nor a banner the list.
import { Fragment } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { clockTime, etaText } from '../shared/format';
import { useStore } from '../shared/store';
import type { Message, SuggestionChoice } from '../shared/types';
import { ERROR_TEXT, type ChatState, type ShopperChat, type ShopperOutgoing } from './client';
import { RatingCard } from './RatingCard';

const STATUS_LINE: Record<ChatState['status'], string> = {
  bot: '智能客服为您服务',
  queued: '正在为您转接人工客服',
  assigned: '人工客服为您服务',
  closed: '本次会话已结束，发消息即可继续咨询',
};

export function App({ chat, embedded }: { chat: ShopperChat; embedded: boolean }) {
  const s = useStore(chat.store, (st) => ({
    status: st.status,
    agent: st.agent,
    shopName: st.shopName,
    connection: st.connection,
    queue: st.queue,
    agentTyping: st.agentTyping,
    notice: st.notice,
    handoffBusy: st.handoffBusy,
  }));
  const statusLine =
    s.status === 'assigned' && s.agent ? `客服 ${s.agent.name} 为您服务` : STATUS_LINE[s.status];
  const canHandoff = s.status === 'bot' || s.status === 'closed';

  return (
    <div class="chat">
      <header class="chat-header" data-testid="chat-header">
        <div class="avatar avatar-shop" aria-hidden="true">
          {(s.shopName || '客').slice(0, 1)}
        </div>
        <div class="chat-heading">
          <div class="chat-title" data-testid="chat-title">
            {s.shopName ? `${s.shopName} · 在线客服` : '在线客服'}
          </div>
          <div class="chat-status" data-testid="chat-status" data-status={s.status}>
            <span class={`dot dot-${s.connection}`} />
            {statusLine}
          </div>
        </div>
        {embedded && (
          <button
            type="button"
            class="icon-button"
            data-testid="chat-close"
            aria-label="收起"
            title="收起"
            onClick={() => chat.tellParent({ type: 'chatserver:close' })}
          >
            ×
          </button>
        )}
      </header>

      {s.connection === 'offline' && (
        <div class="banner banner-offline" data-testid="chat-offline-banner" role="status">
          网络已断开，正在重新连接…您发送的消息会在恢复后自动送达
        </div>
      )}
      {s.status === 'queued' && (
        <div class="banner banner-queue" data-testid="chat-queue-banner" role="status">
          {s.queue ? (
            <>
              正在排队，您当前排在第 <b data-testid="queue-position">{s.queue.position}</b> 位，预计等待<span data-testid="queue-eta">{etaText(s.queue.eta_s)}</span>
            </>
          ) : (
            '正在为您转接人工客服，请稍候'
          )}
        </div>
      )}

      <MessageList chat={chat} />

      {s.agentTyping && (
        <div class="typing" data-testid="typing-indicator" aria-live="polite">
          客服正在输入…
        </div>
      )}
      {s.notice && (
        <div class="notice" data-testid="chat-notice" role="alert">
          {s.notice}
        </div>
      )}
      <Composer chat={chat} canHandoff={canHandoff} handoffBusy={s.handoffBusy} />
    </div>
  );
}

function MessageList({ chat }: { chat: ShopperChat }) {
  const state = useStore(chat.store, (st) => ({
    ready: st.ready,
    messages: st.messages,
    outbox: st.outbox,
    agentTyping: st.agentTyping,
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

  return (
    <div class="messages" ref={ref} onScroll={onScroll} data-testid="message-list" aria-live="polite">
      {!state.ready && state.messages.length === 0 && (
        <div class="loading" data-testid="chat-loading">
          正在连接客服…
        </div>
      )}
      {state.messages.map((m) => (
        <Fragment key={m.id}>
          <MessageRow m={m} chat={chat} choicesActive={m.id === lastSuggestions} />
          {m.id === lastFarewell && <RatingCard chat={chat} />}
        </Fragment>
      ))}
      {state.outbox.map((o) => (
        <PendingRow key={o.client_id} o={o} chat={chat} />
      ))}
    </div>
  );
}

function MessageRow({ m, chat, choicesActive }: { m: Message; chat: ShopperChat; choicesActive: boolean }) {
  if (m.kind === 'event' || m.sender === 'system') {
    return (
      <div class="event-line" data-testid="message" data-sender={m.sender} data-kind={m.kind} data-id={m.id}>
        <span data-testid="message-text">{m.text}</span>
      </div>
    );
  }
  const mine = m.sender === 'visitor';
  const choices: SuggestionChoice[] = m.kind === 'suggestions' ? (m.meta?.choices ?? []) : [];
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
        <div class="bubble">
          <span class="text" data-testid="message-text">
            {m.text}
          </span>
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
            {clockTime(m.created_at)} 已发送
          </div>
        )}
      </div>
    </div>
  );
}

function PendingRow({ o, chat }: { o: ShopperOutgoing; chat: ShopperChat }) {
  const failed = o.state === 'failed';
  return (
    <div
      class="row row-mine"
      data-testid="message"
      data-sender="visitor"
      data-kind="text"
      data-client-id={o.client_id}
      data-state={failed ? 'failed' : 'sending'}
    >
      <div class="bubble-wrap">
        <div class={`bubble ${failed ? 'bubble-failed' : 'bubble-pending'}`}>
          <span class="text" data-testid="message-text">
            {o.text}
          </span>
        </div>
        <div class="meta" data-testid="message-status">
          {failed ? (
            <>
              <span class="failed" title={o.error}>
                {ERROR_TEXT[o.error ?? ''] ?? '发送失败'}
              </span>
              <button type="button" class="link-button" data-testid="message-retry" onClick={() => chat.retry(o.client_id)}>
                重试
              </button>
            </>
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

function Composer({ chat, canHandoff, handoffBusy }: { chat: ShopperChat; canHandoff: boolean; handoffBusy: boolean }) {
  const [text, setText] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);

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
