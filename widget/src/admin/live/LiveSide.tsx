// Beside the tables: the silently watched chat (read only) and the audit list of what the
// shop's supervisors did. Every text a person typed is rendered as text, never markup.
import type { AuditRecord } from '../../shared/live';
import { dateTime } from '../../shared/format';
import type { Message } from '../../shared/types';

const ACTION_TEXT: Record<string, string> = {
  reassign: '改派',
  take_over: '接管',
  watch: '开始旁听',
  unwatch: '停止旁听',
};
const SENDER_TEXT: Record<string, string> = { visitor: '顾客', bot: '机器人', agent: '客服', system: '系统' };

export function WatchPanel({
  conversationId,
  messages,
  onLeave,
}: {
  conversationId: number;
  messages: Message[];
  onLeave: () => void;
}) {
  return (
    <section class="panel live-watch" data-testid="live-watch-panel">
      <div class="live-side-head">
        <h3>旁听会话 #{conversationId}</h3>
        <button type="button" class="secondary small" data-testid="live-unwatch" onClick={onLeave}>
          停止旁听
        </button>
      </div>
      <p class="live-muted">顾客看不到您，您在此只能查看，不能发言；如需回复请先接管。</p>
      <ol class="live-transcript" data-testid="live-watch-messages">
        {messages.map((m) => (
          <li key={m.id} class={`live-line live-line-${m.sender}`}>
            <span class="live-line-who">{m.sender_name || SENDER_TEXT[m.sender]}</span>
            <span class="live-line-text">{m.text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function AuditList({ items }: { items: AuditRecord[] }) {
  return (
    <section class="panel live-audit">
      <div class="live-side-head">
        <h3>操作记录</h3>
      </div>
      {items.length === 0 ? (
        <div class="empty">还没有主管操作记录</div>
      ) : (
        <ul class="live-audit-list" data-testid="live-audit-list">
          {items.map((a) => (
            <li key={a.id} data-testid="live-audit-item" data-action={a.action}>
              <span class="live-muted">{dateTime(a.created_at)}</span> {a.by.name}
              <strong> {ACTION_TEXT[a.action] ?? a.action} </strong>
              会话 #{a.conversation_id}
              {a.target_agent && <> 给 {a.target_agent.name}</>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
