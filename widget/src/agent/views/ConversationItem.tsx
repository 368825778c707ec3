// One of my chats in the list: name, its flag, tags, unread badge, last message, and how long the shopper
// has been waiting for an answer (ticking, coloured by the SLA: amber past the warning, red past the target).
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import { openComplaint } from '../complaints';
import { chatClock } from '../sla';
import { FlagMark } from './FlagMark';
import { preview } from './labels';
import { SlaClockText } from './SlaClockText';
import { useNow } from './useNow';

export function ConversationItem({ desk, id }: { desk: AgentDesk; id: number }) {
  const now = useNow();
  // everything but the draft, so typing a reply does not redraw the list
  const c = useStore(desk.store, (s) => {
    const chat = s.chats[id];
    return chat
      ? {
          conversation: chat.conversation,
          messages: chat.messages,
          unread: chat.unread,
          shopperTyping: chat.shopperTyping,
          ended: chat.ended,
          rating: chat.ratings[chat.ratings.length - 1] ?? null,
          complaint: openComplaint(chat.complaints),
          active: s.activeId === id,
        }
      : null;
  });
  if (!c) return null;
  const clock = chatClock(c, now);
  return (
    <button
      type="button"
      class={`conv ${c.active ? 'active' : ''} ${c.ended ? 'ended' : ''} ${clock ? `conv-sla-${clock.state}` : ''}`}
      data-testid="conversation-item"
      data-conversation-id={id}
      onClick={() => desk.open(id)}
    >
      <span class="conv-top">
        <FlagMark flag={c.conversation.flag} testid="conversation-flag" />
        <span class="conv-name">{c.conversation.visitor.name}</span>
        {c.complaint ? (
          <span class={`tag tag-red complaint-badge level-${c.complaint.level}`} data-testid="conversation-complaint" data-level={c.complaint.level}>
            投诉{c.complaint.level > 0 ? `·${c.complaint.level_name}` : ''}
          </span>
        ) : (
          c.conversation.priority > 0 && <span class="tag tag-red">投诉</span>
        )}
        {c.ended && <span class="tag">{c.ended.kind === 'closed' ? '已结束' : '已移交'}</span>}
        {c.rating && (
          <span
            class="tag tag-rating"
            data-testid="conversation-rating"
            data-score={c.rating.score}
            title={`顾客评价：${c.rating.score} 星`}
          >
            ★{c.rating.score}
          </span>
        )}
        {c.unread > 0 && (
          <span class="badge" data-testid="conversation-unread">
            {c.unread}
          </span>
        )}
      </span>
      <span class="conv-preview">{preview(c.messages[c.messages.length - 1] ?? c.conversation.last_message)}</span>
      {clock && <SlaClockText clock={clock} testid="conversation-wait" />}
      {c.shopperTyping && <span class="conv-typing">顾客正在输入…</span>}
    </button>
  );
}
