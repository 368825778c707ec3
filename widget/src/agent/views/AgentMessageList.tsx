// The open chat's messages: stored ones, then my replies on their way, then 顾客正在输入…
// Scrolled to the end whenever something is added.
import { useLayoutEffect, useRef } from 'preact/hooks';
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import { AgentMessageRow } from './AgentMessageRow';
import { PendingRow } from './PendingRow';

export function AgentMessageList({ desk, id }: { desk: AgentDesk; id: number }) {
  const chat = useStore(desk.store, (s) => {
    const entry = s.chats[id];
    return {
      messages: entry?.messages ?? [],
      shopperTyping: entry?.shopperTyping ?? false,
      shopperRead: entry?.read.visitor ?? 0,
    };
  });
  const pending = useStore(desk.store, (s) => s.outbox.filter((r) => r.conversation_id === id));
  const photos = useStore(desk.store, (s) => s.photos);
  const listRef = useRef<HTMLDivElement>(null);
  const count = chat.messages.length + pending.length;

  useLayoutEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count, chat.shopperTyping]);

  return (
    <>
      <div class="agent-messages" ref={listRef} data-testid="agent-message-list">
        {chat.messages.map((m) => (
          <AgentMessageRow key={m.id} m={m} shopperRead={chat.shopperRead} />
        ))}
        {pending.map((o) => (
          <PendingRow
            key={o.client_id}
            o={o}
            progress={photos[o.client_id]}
            onRetry={() => desk.retry(o.client_id)}
            onRemove={() => desk.remove(o.client_id)}
          />
        ))}
      </div>
      {chat.shopperTyping && (
        <div class="typing" data-testid="shopper-typing">
          顾客正在输入…
        </div>
      )}
    </>
  );
}
