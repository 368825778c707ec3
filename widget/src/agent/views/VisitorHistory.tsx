// 历史会话: the shopper's earlier conversations (loaded when a chat with them is first shown),
// each expandable to its messages and the staff's private notes on it.
import { useEffect, useState } from 'preact/hooks';
import { clockTime, dateTime } from '../../shared/format';
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import { SENDER_TEXT } from './labels';
import { RatingLine, Stars } from './RatingStars';

interface Props {
  desk: AgentDesk;
  visitorId: number;
  /** The chat on screen, left out of its own history. */
  conversationId: number;
}

export function VisitorHistory({ desk, visitorId, conversationId }: Props) {
  const history = useStore(desk.store, (s) => s.history[visitorId]);
  const [openHistory, setOpenHistory] = useState<number | null>(null);
  const earlier = (history?.items ?? []).filter((h) => h.conversation.id !== conversationId);

  useEffect(() => {
    void desk.loadHistory(visitorId);
  }, [visitorId]);

  return (
    <section class="card" data-testid="visitor-history">
      <h3>历史会话</h3>
      {history?.loading && <p class="empty-note">加载中…</p>}
      {history?.error && (
        <p class="empty-note">
          {history.error}{' '}
          <button type="button" class="link" onClick={() => void desk.loadHistory(visitorId, true)}>
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
                {h.ratings?.length ? (
                  <>
                    {' · '}
                    <Stars score={h.ratings[h.ratings.length - 1].score} />
                  </>
                ) : null}
              </span>
            </button>
            {openHistory === h.conversation.id && (
              <div class="history-messages">
                {(h.ratings ?? []).map((r) => (
                  <RatingLine key={r.id} rating={r} testid="history-rating" />
                ))}
                {h.messages.map((m) => (
                  <div key={m.id} class="history-line">
                    <span class="muted">
                      {SENDER_TEXT[m.sender]} {clockTime(m.created_at)}：
                    </span>
                    <span class="text">{m.text}</span>
                  </div>
                ))}
                {(h.notes ?? []).map((n) => (
                  <div key={`note-${n.id}`} class="history-line history-note" data-testid="history-note">
                    <span class="tag tag-internal">备注</span>{' '}
                    <span class="muted">
                      {n.author.name} {dateTime(n.created_at)}：
                    </span>
                    <span class="text">{n.text}</span>
                  </div>
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
