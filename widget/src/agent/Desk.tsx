// The agent desk: conversation list | open chat | side panel (shopper, history, suggestions).
// All person-typed text is rendered as Preact text nodes.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { clockTime, dateTime, elapsed } from '../shared/format';
import type { Outgoing } from '../shared/messages';
import { useStore } from '../shared/store';
import type { AgentStatus, Conversation, Message } from '../shared/types';
import { errorText, type AgentDesk, type ChatEntry, type DeskState } from './agentDesk';

const STATUS_TEXT: Record<AgentStatus, string> = { online: '在线', away: '忙碌', offline: '离线' };
const CONV_STATUS_TEXT: Record<Conversation['status'], string> = {
  bot: '机器人接待',
  queued: '排队中',
  assigned: '接待中',
  closed: '已结束',
};
const HANDOFF_TEXT: Record<string, string> = {
  requested: '顾客要求转人工',
  complaint: '投诉',
  bot_unsure: '机器人无法回答',
};
const SENDER_TEXT: Record<Message['sender'], string> = { visitor: '顾客', bot: '机器人', agent: '客服', system: '系统' };

/** Re-render every second, for waiting times that tick. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, []);
  return now;
}

/** When the shopper's oldest unanswered message was sent (null when the agent spoke last). */
function waitingSince(messages: Message[]): string | null {
  let since: string | null = null;
  for (const m of messages) {
    if (m.sender === 'agent') since = null;
    else if (m.sender === 'visitor' && since === null) since = m.created_at;
  }
  return since;
}

function preview(m: Message | null | undefined): string {
  if (!m) return '';
  const who = m.sender === 'visitor' ? '' : `${SENDER_TEXT[m.sender]}：`;
  return who + m.text.replace(/\s+/g, ' ').slice(0, 40);
}

export function Desk({ desk, onLogout }: { desk: AgentDesk; onLogout: () => void }) {
  const s = useStore(desk.store);
  const active = s.activeId != null ? s.chats[s.activeId] : undefined;

  return (
    <div class="desk">
      <TopBar desk={desk} s={s} onLogout={onLogout} />
      <div class="panes">
        <ConversationList desk={desk} s={s} />
        {active ? (
          <ChatPane key={active.conversation.id} desk={desk} chat={active} s={s} />
        ) : (
          <main class="chat-pane empty" data-testid="chat-empty">
            <div>
              <p>暂无打开的会话</p>
              <p class="muted">从左侧排队列表接入顾客，或等待系统自动分配。</p>
            </div>
          </main>
        )}
        {active ? <SidePanel desk={desk} chat={active} s={s} /> : <aside class="side" />}
      </div>
      {s.toast && (
        <div class="toast" role="alert" data-testid="desk-toast">
          {s.toast}
        </div>
      )}
    </div>
  );
}

function TopBar({ desk, s, onLogout }: { desk: AgentDesk; s: DeskState; onLogout: () => void }) {
  return (
    <header class="topbar">
      <div class="brand">客服工作台</div>
      <div class="shop">{s.agent.shop?.name ?? ''}</div>
      <div class={`conn conn-${s.connection}`} data-testid="connection-state" data-state={s.connection}>
        {s.connection === 'online' ? '已连接' : s.connection === 'connecting' ? '连接中…' : '连接断开，正在重连…'}
      </div>
      <div class="spacer" />
      <label class="status-select">
        <span class={`status-dot status-${s.status}`} />
        <select
          data-testid="agent-status"
          value={s.status}
          onChange={(e) => void desk.setStatus((e.target as HTMLSelectElement).value as AgentStatus)}
        >
          {(['online', 'away', 'offline'] as const).map((st) => (
            <option value={st} key={st}>
              {STATUS_TEXT[st]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        class="ghost"
        data-testid="sound-toggle"
        aria-pressed={!s.muted}
        title={s.muted ? '提示音已关闭' : '提示音已开启'}
        onClick={() => desk.setMuted(!s.muted)}
      >
        {s.muted ? '提示音：关' : '提示音：开'}
      </button>
      <span class="me" data-testid="agent-name">
        {s.agent.name}
      </span>
      <button type="button" class="ghost" data-testid="logout-button" onClick={onLogout}>
        退出
      </button>
    </header>
  );
}

function ConversationList({ desk, s }: { desk: AgentDesk; s: DeskState }) {
  const now = useNow();
  const mine = s.order.map((id) => s.chats[id]).filter((c): c is ChatEntry => !!c);
  const open = mine.filter((c) => !c.ended).length;
  return (
    <nav class="list" aria-label="会话列表">
      <h2>
        我的会话 <span class="count">{open}</span>
        {s.agent.max_chats ? <span class="muted"> / 上限 {s.agent.max_chats}</span> : null}
      </h2>
      {mine.length === 0 && <p class="empty-note">暂无会话</p>}
      <ul data-testid="my-conversations">
        {mine.map((c) => {
          const id = c.conversation.id;
          const since = c.ended ? null : waitingSince(c.messages);
          const overdue = since ? now - new Date(since).getTime() > 60_000 : false;
          return (
            <li key={id}>
              <button
                type="button"
                class={`conv ${id === s.activeId ? 'active' : ''} ${c.ended ? 'ended' : ''}`}
                data-testid="conversation-item"
                data-conversation-id={id}
                onClick={() => desk.open(id)}
              >
                <span class="conv-top">
                  <span class="conv-name">{c.conversation.visitor.name}</span>
                  {c.conversation.priority > 0 && <span class="tag tag-red">投诉</span>}
                  {c.ended && <span class="tag">{c.ended.kind === 'closed' ? '已结束' : '已移交'}</span>}
                  {c.unread > 0 && (
                    <span class="badge" data-testid="conversation-unread">
                      {c.unread}
                    </span>
                  )}
                </span>
                <span class="conv-preview">{preview(c.messages[c.messages.length - 1] ?? c.conversation.last_message)}</span>
                {since && (
                  <span class={`conv-wait ${overdue ? 'overdue' : ''}`} data-testid="conversation-wait">
                    等待回复 {elapsed(since, now)}
                  </span>
                )}
                {c.shopperTyping && <span class="conv-typing">顾客正在输入…</span>}
              </button>
            </li>
          );
        })}
      </ul>

      <h2>
        排队中 <span class="count" data-testid="queue-count">{s.queue.length}</span>
      </h2>
      {s.queue.length === 0 && <p class="empty-note">没有排队的顾客</p>}
      <ul data-testid="queue-list">
        {s.queue.map((c) => (
          <li key={c.id} class="queue-item" data-testid="queue-item" data-conversation-id={c.id}>
            <div class="conv-top">
              <span class="conv-name">{c.visitor.name}</span>
              {c.priority > 0 && <span class="tag tag-red">投诉</span>}
              {c.handoff_reason && c.priority === 0 && <span class="tag">{HANDOFF_TEXT[c.handoff_reason] ?? ''}</span>}
            </div>
            <div class="conv-preview">{preview(c.last_message)}</div>
            <div class="queue-foot">
              <span class="conv-wait" data-testid="queue-wait">
                已等待 {elapsed(c.queued_at ?? c.created_at, now)}
              </span>
              <button type="button" class="small primary" data-testid="queue-accept" onClick={() => void desk.accept(c.id)}>
                接入
              </button>
            </div>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Insertable texts for the side panel and the Alt+digit keys: suggestions, then phrases. */
function useInsertables(chat: ChatEntry, s: DeskState, filter: string) {
  return useMemo(() => {
    const f = filter.trim();
    const phrases = s.phrases.filter((p) => !f || p.title.includes(f) || p.text.includes(f) || (p.category ?? '').includes(f));
    return { suggestions: chat.suggestions, phrases };
  }, [chat.suggestions, s.phrases, filter]);
}

function ChatPane({ desk, chat, s }: { desk: AgentDesk; chat: ChatEntry; s: DeskState }) {
  const c = chat.conversation;
  const listRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const count = chat.messages.length + chat.outbox.length;

  useLayoutEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count, chat.shopperTyping]);

  useEffect(() => {
    inputRef.current?.focus();
  }, [c.id]);

  const insertables = [...chat.suggestions.map((x) => x.text), ...s.phrases.map((p) => p.text)];

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      desk.send(c.id);
      return;
    }
    // Alt+1…Alt+9 inserts the n-th suggestion (then the standard phrases)
    if (e.altKey && /^Digit[1-9]$/.test(e.code)) {
      const text = insertables[Number(e.code.slice(5)) - 1];
      if (text) {
        e.preventDefault();
        desk.insert(c.id, text);
      }
    }
  };

  return (
    <main class="chat-pane" data-testid="chat-pane" data-conversation-id={c.id}>
      <header class="chat-head">
        <div>
          <div class="chat-title" data-testid="chat-visitor-name">
            {c.visitor.name}
          </div>
          <div class="muted small-text">
            {CONV_STATUS_TEXT[c.status]} · 会话 #{c.id}
            {c.assigned_at ? ` · ${clockTime(c.assigned_at)} 接入` : ''}
          </div>
        </div>
        <div class="spacer" />
        {chat.ended ? (
          <button type="button" class="ghost" data-testid="chat-dismiss" onClick={() => desk.dismiss(c.id)}>
            移出列表
          </button>
        ) : (
          <button type="button" class="danger" data-testid="chat-close-button" onClick={() => void desk.close(c.id)}>
            结束会话
          </button>
        )}
      </header>

      <div class="agent-messages" ref={listRef} data-testid="agent-message-list">
        {chat.messages.map((m) => (
          <AgentMessageRow key={m.id} m={m} />
        ))}
        {chat.outbox.map((o) => (
          <PendingRow key={o.client_id} o={o} onRetry={() => desk.retry(c.id, o.client_id)} />
        ))}
      </div>
      {chat.shopperTyping && (
        <div class="typing" data-testid="shopper-typing">
          顾客正在输入…
        </div>
      )}
      {chat.ended ? (
        <div class="ended" data-testid="chat-ended">
          {chat.ended.kind === 'closed' ? '会话已结束' : '该会话已不在您名下（已回到排队或转给其他客服）'}
        </div>
      ) : (
        <div class="composer">
          <textarea
            ref={inputRef}
            data-testid="agent-composer-input"
            placeholder="输入回复，Enter 发送，Shift+Enter 换行，Alt+数字 插入建议"
            value={chat.draft}
            maxLength={2000}
            onInput={(e) => desk.setDraft(c.id, (e.target as HTMLTextAreaElement).value)}
            onKeyDown={onKeyDown}
          />
          <button
            type="button"
            class="primary"
            data-testid="agent-send"
            disabled={!chat.draft.trim()}
            onClick={() => {
              desk.send(c.id);
              inputRef.current?.focus();
            }}
          >
            发送
          </button>
        </div>
      )}
    </main>
  );
}

function AgentMessageRow({ m }: { m: Message }) {
  if (m.kind === 'event' || m.sender === 'system') {
    return (
      <div class="event-line" data-testid="agent-message" data-sender={m.sender} data-id={m.id}>
        <span data-testid="agent-message-text">{m.text}</span>
      </div>
    );
  }
  const mine = m.sender === 'agent';
  const choices = m.kind === 'suggestions' ? (m.meta?.choices ?? []) : [];
  return (
    <div
      class={`msg ${mine ? 'msg-mine' : `msg-${m.sender}`}`}
      data-testid="agent-message"
      data-sender={m.sender}
      data-id={m.id}
      data-state={mine ? 'sent' : undefined}
    >
      <div class="msg-meta">
        {m.sender === 'agent' ? m.sender_name || '客服' : m.sender === 'bot' ? `机器人${m.sender_name ? `（${m.sender_name}）` : ''}` : m.sender_name || '顾客'} ·{' '}
        {clockTime(m.created_at)}
        {mine && <span class="sent-mark"> 已发送</span>}
      </div>
      <div class="msg-bubble">
        <span class="text" data-testid="agent-message-text">
          {m.text}
        </span>
        {choices.length > 0 && (
          <ul class="bot-choices">
            {choices.map((ch) => (
              <li key={ch.faq_id}>{ch.question}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function PendingRow({ o, onRetry }: { o: Outgoing; onRetry: () => void }) {
  const failed = o.state === 'failed';
  return (
    <div class="msg msg-mine" data-testid="agent-message" data-sender="agent" data-state={failed ? 'failed' : 'sending'}>
      <div class="msg-meta">
        {failed ? (
          <>
            <span class="failed">{errorText(o.error)}</span>{' '}
            <button type="button" class="link" data-testid="agent-message-retry" onClick={onRetry}>
              重试
            </button>
          </>
        ) : o.state === 'queued' ? (
          '等待网络，恢复后自动发送…'
        ) : (
          '发送中…'
        )}
      </div>
      <div class={`msg-bubble ${failed ? 'failed-bubble' : 'pending'}`}>
        <span class="text" data-testid="agent-message-text">
          {o.text}
        </span>
      </div>
    </div>
  );
}

function SidePanel({ desk, chat, s }: { desk: AgentDesk; chat: ChatEntry; s: DeskState }) {
  const c = chat.conversation;
  const [filter, setFilter] = useState('');
  const [openHistory, setOpenHistory] = useState<number | null>(null);
  const { suggestions, phrases } = useInsertables(chat, s, filter);
  const history = s.history[c.visitor.id];
  const earlier = (history?.items ?? []).filter((h) => h.conversation.id !== c.id);
  const canInsert = !chat.ended;

  useEffect(() => {
    void desk.loadHistory(c.visitor.id);
  }, [c.visitor.id]);

  let n = 0;
  const key = () => {
    n += 1;
    return n <= 9 ? `Alt+${n}` : '';
  };

  return (
    <aside class="side" data-testid="side-panel">
      <section class="card" data-testid="visitor-info">
        <h3>顾客信息</h3>
        <dl>
          <dt>昵称</dt>
          <dd data-testid="visitor-info-name">{c.visitor.name}</dd>
          <dt>顾客ID</dt>
          <dd>{c.visitor.id}</dd>
          <dt>店铺</dt>
          <dd>{c.shop.name}</dd>
          <dt>来源</dt>
          <dd>
            {c.handoff_reason ? HANDOFF_TEXT[c.handoff_reason] ?? c.handoff_reason : '—'}
            {c.priority > 0 && <span class="tag tag-red">优先</span>}
          </dd>
          <dt>开始</dt>
          <dd>{dateTime(c.created_at)}</dd>
        </dl>
      </section>

      <section class="card">
        <h3>
          推荐回复 <span class="muted small-text">点击或 Alt+数字 插入</span>
        </h3>
        {suggestions.length === 0 && <p class="empty-note">顾客发来新消息后，这里会给出推荐答案</p>}
        <ul class="insert-list" data-testid="suggestion-list">
          {suggestions.map((x) => (
            <li key={`${x.kind}-${x.id}`}>
              <button
                type="button"
                class="insert"
                data-testid="suggestion-item"
                data-kind={x.kind}
                disabled={!canInsert}
                onClick={() => desk.insert(c.id, x.text)}
              >
                <span class="insert-head">
                  <span class="tag">{x.kind === 'faq' ? '知识库' : '快捷语'}</span>
                  {x.title && <b>{x.title}</b>}
                  <kbd>{key()}</kbd>
                </span>
                <span class="insert-text">{desk.fillTemplate(x.text, c)}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section class="card">
        <h3>快捷语</h3>
        <input
          class="filter"
          data-testid="phrase-filter"
          placeholder="搜索快捷语"
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        />
        {phrases.length === 0 && <p class="empty-note">没有快捷语</p>}
        <ul class="insert-list" data-testid="phrase-list">
          {phrases.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                class="insert"
                data-testid="phrase-item"
                data-phrase-id={p.id}
                disabled={!canInsert}
                onClick={() => desk.insert(c.id, p.text)}
              >
                <span class="insert-head">
                  {p.category && <span class="tag">{p.category}</span>}
                  <b>{p.title}</b>
                  {!filter.trim() && <kbd>{key()}</kbd>}
                </span>
                <span class="insert-text">{desk.fillTemplate(p.text, c)}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section class="card" data-testid="visitor-history">
        <h3>历史会话</h3>
        {history?.loading && <p class="empty-note">加载中…</p>}
        {history?.error && (
          <p class="empty-note">
            {history.error}{' '}
            <button type="button" class="link" onClick={() => void desk.loadHistory(c.visitor.id, true)}>
              重试
            </button>
          </p>
        )}
        {history && !history.loading && !history.error && earlier.length === 0 && <p class="empty-note">这是顾客的第一次咨询</p>}
        <ul class="history">
          {earlier.map((h) => (
            <li key={h.conversation.id} data-testid="history-item">
              <button
                type="button"
                class="history-toggle"
                data-testid="history-toggle"
                aria-expanded={openHistory === h.conversation.id}
                onClick={() => setOpenHistory(openHistory === h.conversation.id ? null : h.conversation.id)}
              >
                <span>{dateTime(h.conversation.created_at)}</span>
                <span class="muted">
                  {h.conversation.agent?.name ?? '机器人'} · {h.messages.length}条
                </span>
              </button>
              {openHistory === h.conversation.id && (
                <div class="history-messages">
                  {h.messages.map((m) => (
                    <div key={m.id} class="history-line">
                      <span class="muted">
                        {SENDER_TEXT[m.sender]} {clockTime(m.created_at)}：
                      </span>
                      <span class="text">{m.text}</span>
                    </div>
                  ))}
                </div>
              )}
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}
