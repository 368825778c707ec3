// The centre pane: the open chat's header (its flag, 转接, 拉黑, 结束会话 / 移出列表), the
// handover note it came with, its messages and the reply box.
import { clockTime } from '../../shared/format';
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import { AgentMessageList } from './AgentMessageList';
import { BlockButton } from './BlockButton';
import { ChatRatings } from './ChatRatings';
import { Composer } from './Composer';
import { FlagPicker } from './FlagPicker';
import { HandoverCard } from './HandoverCard';
import { CONV_STATUS_TEXT } from './labels';
import { TransferButton } from './TransferButton';

export function ChatPane({ desk, id }: { desk: AgentDesk; id: number }) {
  const chat = useStore(desk.store, (s) => {
    const entry = s.chats[id];
    return entry ? { conversation: entry.conversation, ended: entry.ended } : null;
  });
  if (!chat) return null;
  const c = chat.conversation;
  return (
    <main class="chat-pane" data-testid="chat-pane" data-conversation-id={c.id}>
      <header class="chat-head">
        <button
          type="button"
          class="ghost chat-back"
          data-testid="chat-back"
          aria-label="返回会话列表"
          onClick={() => desk.showPane('list')}
        >
          返回
        </button>
        <div class="chat-head-title">
          <div class="chat-title" data-testid="chat-visitor-name">
            {c.visitor.name}
          </div>
          <div class="muted small-text">
            {CONV_STATUS_TEXT[c.status]} · 会话 #{c.id}
            {c.group ? ` · ${c.group.name}` : ''}
            {c.assigned_at ? ` · ${clockTime(c.assigned_at)} 接入` : ''}
          </div>
        </div>
        <div class="spacer" />
        <FlagPicker desk={desk} id={id} />
        <button type="button" class="ghost side-toggle" data-testid="side-toggle" onClick={() => desk.showPane('side')}>
          顾客资料
        </button>
        {!chat.ended && <TransferButton desk={desk} id={id} />}
        {!chat.ended && <BlockButton desk={desk} id={id} visitorName={c.visitor.name} />}
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
      {c.handover && !chat.ended && <HandoverCard handover={c.handover} />}
      <AgentMessageList desk={desk} id={id} />
      <ChatRatings desk={desk} id={id} />
      <Composer desk={desk} id={id} />
    </main>
  );
}
