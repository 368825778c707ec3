// The left pane: 我的会话 (my chats, most urgent first: breached, then warning, then the longest
// clock; filterable by flag) and 排队中 (the shop's queue, in serving order).
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import { byUrgency, chatClock } from '../sla';
import { ConversationItem } from './ConversationItem';
import { FlagFilter } from './FlagFilter';
import { flagTitle } from './flags';
import { QueueItem } from './QueueItem';
import { useNow } from './useNow';

export function ConversationList({ desk }: { desk: AgentDesk }) {
  const flagFilter = useStore(desk.store, (s) => s.flagFilter);
  const ids = useStore(desk.store, (s) =>
    s.order.filter((id) => s.chats[id] && (!s.flagFilter || s.chats[id].conversation.flag === s.flagFilter)),
  );
  const now = useNow();
  const chats = useStore(desk.store, (s) => s.chats);
  const urgent = byUrgency(ids, (id) => (chats[id] ? chatClock(chats[id], now) : null));
  const open = useStore(desk.store, (s) => s.order.filter((id) => s.chats[id] && !s.chats[id].ended).length);
  const maxChats = useStore(desk.store, (s) => s.agent.max_chats);
  // The chats of my own groups first (in the server's order), then the others'.
  const queue = useStore(desk.store, (s) => {
    const mine = new Set((s.agent.groups ?? []).map((g) => g.id));
    const ours = (c: (typeof s.queue)[number]) => !c.group || mine.has(c.group.id);
    return [...s.queue.filter(ours), ...s.queue.filter((c) => !ours(c))];
  });
  return (
    <nav class="list" aria-label="会话列表">
      <h2>
        我的会话 <span class="count">{open}</span>
        {maxChats ? <span class="muted"> / 上限 {maxChats}</span> : null}
      </h2>
      <FlagFilter desk={desk} />
      {ids.length === 0 && (
        <p class="empty-note" data-testid="conversations-empty">
          {flagFilter ? `没有标记为“${flagTitle(flagFilter)}”的会话` : '暂无会话'}
        </p>
      )}
      <ul data-testid="my-conversations">
        {urgent.map((id) => (
          <li key={id}>
            <ConversationItem desk={desk} id={id} />
          </li>
        ))}
      </ul>

      <h2>
        排队中 <span class="count" data-testid="queue-count">{queue.length}</span>
      </h2>
      {queue.length === 0 && <p class="empty-note">没有排队的顾客</p>}
      <ul data-testid="queue-list">
        {queue.map((c) => (
          <QueueItem key={c.id} desk={desk} conversation={c} />
        ))}
      </ul>
    </nav>
  );
}
