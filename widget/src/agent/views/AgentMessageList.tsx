// The open chat's messages: stored ones, then my replies on their way, then 顾客正在输入…
// Complaint events (登记, 升级, 结案) are staff-only lines among them, made here from the complaint
// records: they are never messages, so they never reach the shopper. Scrolled to the end whenever
// something is added.
import type { JSX } from 'preact';
import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { historyLine, type Complaint } from '../../shared/complaints';
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import { AgentMessageRow } from './AgentMessageRow';
import { PendingRow } from './PendingRow';

const NO_COMPLAINTS: Complaint[] = [];

interface StaffLine {
  key: string;
  at: number;
  text: string;
}

function staffLines(complaints: readonly Complaint[]): StaffLine[] {
  const lines: StaffLine[] = [];
  for (const c of complaints)
    for (const e of c.history) {
      const text = historyLine(c, e);
      if (text) lines.push({ key: `complaint-${e.id}`, at: Date.parse(e.created_at), text });
    }
  return lines.sort((a, b) => a.at - b.at);
}

function StaffLineRow({ line }: { line: StaffLine }) {
  return (
    <div class="event-line staff-line" data-testid="complaint-line">
      <span>
        <b class="staff-only">仅内部可见</b> {line.text}
      </span>
    </div>
  );
}

export function AgentMessageList({ desk, id }: { desk: AgentDesk; id: number }) {
  const chat = useStore(desk.store, (s) => {
    const entry = s.chats[id];
    return {
      messages: entry?.messages ?? [],
      shopperTyping: entry?.shopperTyping ?? false,
      shopperRead: entry?.read.visitor ?? 0,
    };
  });
  const complaints = useStore(desk.store, (s) => s.chats[id]?.complaints ?? NO_COMPLAINTS);
  const lines = useMemo(() => staffLines(complaints), [complaints]);
  const pending = useStore(desk.store, (s) => s.outbox.filter((r) => r.conversation_id === id));
  const photos = useStore(desk.store, (s) => s.photos);
  const listRef = useRef<HTMLDivElement>(null);
  const count = chat.messages.length + pending.length + lines.length;
  const rows: JSX.Element[] = [];
  let next = 0;
  for (const m of chat.messages) {
    const at = Date.parse(m.created_at);
    for (; next < lines.length && lines[next].at < at; next += 1) rows.push(<StaffLineRow key={lines[next].key} line={lines[next]} />);
    rows.push(<AgentMessageRow key={m.id} m={m} shopperRead={chat.shopperRead} />);
  }
  for (; next < lines.length; next += 1) rows.push(<StaffLineRow key={lines[next].key} line={lines[next]} />);

  useLayoutEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count, chat.shopperTyping]);

  return (
    <>
      <div class="agent-messages" ref={listRef} data-testid="agent-message-list">
        {rows}
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
