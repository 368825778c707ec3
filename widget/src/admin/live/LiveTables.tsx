// The live view's three tables: queues per group, agents, open chats with their SLA clocks.
// Every time shown ticks in the page from the start times the server sent.
import type { LiveAgent, LiveBoard, LiveChat, LiveQueue } from '../../shared/live';
import { durationText } from '../../shared/format';
import { fromServer } from '../../shared/slaClock';

const STATUS_TEXT: Record<string, string> = { online: '在线', away: '忙碌', offline: '离线' };
const CHAT_STATUS_TEXT: Record<string, string> = { queued: '排队中', assigned: '接待中' };
const CLOCK_TEXT: Record<string, string> = {
  first_response: '首次响应',
  next_response: '再次响应',
  resolution: '解决时长',
};
const STATE_TEXT: Record<string, string> = { ok: '正常', warning: '即将超时', breached: '已超时' };

/** Seconds since `iso` at `now` (ms), or null. */
const since = (iso: string | null, now: number) => (iso ? Math.max(0, (now - Date.parse(iso)) / 1000) : null);

export function QueueCards({ queues, now }: { queues: LiveQueue[]; now: number }) {
  return (
    <div class="live-queues" data-testid="live-queues">
      {queues.map((q) => {
        const wait = since(q.oldest_queued_at, now);
        return (
          <div class="live-queue" key={q.group?.id ?? 'none'} data-testid={`live-queue-${q.group?.id ?? 'none'}`}>
            <div class="live-queue-name">{q.group?.name ?? '未分组'}</div>
            <div class="live-queue-count" data-testid="live-queue-count">
              {q.count}
              <span> 位排队</span>
            </div>
            <div class="live-queue-wait">{wait === null ? '无人等待' : `最长已等 ${durationText(wait)}`}</div>
          </div>
        );
      })}
    </div>
  );
}

export function AgentTable({ board, now }: { board: LiveBoard; now: number }) {
  const drift = (now - Date.parse(board.as_of)) / 1000;
  const oldest = (a: LiveAgent) =>
    a.oldest_unanswered ? durationText(a.oldest_unanswered.age_s + Math.max(0, drift)) : '—';
  return (
    <table class="table" data-testid="live-agents">
      <thead>
        <tr>
          <th>客服</th>
          <th>状态</th>
          <th>接待量</th>
          <th>最久未回复</th>
        </tr>
      </thead>
      <tbody>
        {board.agents.map((a) => (
          <tr key={a.id} data-testid={`live-agent-${a.id}`}>
            <td>{a.name}</td>
            <td>
              <span class={`live-status live-status-${a.status}`}>{STATUS_TEXT[a.status] ?? a.status}</span>
              {a.status !== 'offline' && !a.connected && <span class="live-muted">（工作台未打开）</span>}
            </td>
            <td data-testid="live-agent-load">
              {a.open_chats}/{a.max_chats}
            </td>
            <td>
              {oldest(a)}
              {a.oldest_unanswered && <span class="live-muted">（会话 #{a.oldest_unanswered.conversation_id}）</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface ChatTableProps {
  board: LiveBoard;
  now: number;
  watching: number | null;
  busy: number | null;
  onReassign: (chat: LiveChat, agentId: number) => void;
  onTakeOver: (chat: LiveChat) => void;
  onWatch: (chat: LiveChat) => void;
}

function SlaCell({ chat, now }: { chat: LiveChat; now: number }) {
  const clocks = chat.sla.clocks.map((c) => fromServer(c, now));
  if (!clocks.length) return <span class="live-muted">—</span>;
  return (
    <div class="live-clocks">
      {clocks.map((c) => (
        <span key={c.kind} class={`live-clock sla-${c.state}`} data-testid="live-sla-clock" data-state={c.state}>
          {CLOCK_TEXT[c.kind]} {durationText(c.elapsedS)} / {durationText(c.targetS)}
          <span class="live-clock-state">{STATE_TEXT[c.state]}</span>
        </span>
      ))}
    </div>
  );
}

export function ChatTable({ board, now, watching, busy, onReassign, onTakeOver, onWatch }: ChatTableProps) {
  if (!board.chats.length) {
    return (
      <div class="empty" data-testid="live-no-chats">
        目前没有排队或接待中的会话
      </div>
    );
  }
  const reachable = board.agents.filter((a) => a.status !== 'offline' && a.connected && a.open_chats < a.max_chats);
  return (
    <table class="table" data-testid="live-chats">
      <thead>
        <tr>
          <th>顾客</th>
          <th>状态</th>
          <th>分组 / 客服</th>
          <th>服务时效</th>
          <th>操作</th>
        </tr>
      </thead>
      <tbody>
        {board.chats.map((chat) => {
          const targets = reachable.filter((a) => a.id !== chat.agent?.id);
          return (
            <tr key={chat.id} data-testid={`live-chat-${chat.id}`} data-status={chat.status}>
              <td>
                {chat.visitor.name}
                <span class="live-muted"> #{chat.id}</span>
              </td>
              <td data-testid="live-chat-status">{CHAT_STATUS_TEXT[chat.status] ?? chat.status}</td>
              <td>
                {chat.group?.name ?? '未分组'}
                {' / '}
                <span data-testid="live-chat-agent">{chat.agent?.name ?? '待分配'}</span>
              </td>
              <td>
                <SlaCell chat={chat} now={now} />
              </td>
              <td>
                <div class="live-actions">
                <select
                  aria-label="改派给"
                  data-testid={`live-reassign-select-${chat.id}`}
                  disabled={busy === chat.id || !targets.length}
                  onChange={(e) => {
                    const id = Number((e.currentTarget as HTMLSelectElement).value);
                    if (id) onReassign(chat, id);
                    (e.currentTarget as HTMLSelectElement).value = '';
                  }}
                >
                  <option value="">{targets.length ? '改派给…' : '无可改派的客服'}</option>
                  {targets.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}（{a.open_chats}/{a.max_chats}）
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  class="text-button"
                  data-testid={`live-take-over-${chat.id}`}
                  disabled={busy === chat.id}
                  onClick={() => onTakeOver(chat)}
                >
                  接管
                </button>
                <button
                  type="button"
                  class="text-button"
                  data-testid={`live-watch-${chat.id}`}
                  disabled={busy === chat.id || watching === chat.id}
                  onClick={() => onWatch(chat)}
                >
                  {watching === chat.id ? '旁听中' : '旁听'}
                </button>
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
