// The shopper chat app shown in the loader's iframe. Every text a person typed is rendered as a
// Preact text node, never as HTML. The frame and the message list each subscribe to their own
// part of the state, so a message arriving does not redraw the header, nor a banner the list.
import { Lightbox } from '../shared/PhotoView';
import { etaText } from '../shared/format';
import { useStore } from '../shared/store';
import type { ChatState, ShopperChat } from './client';
import { Composer } from './Composer';
import { MessageList } from './Messages';
import { PrechatForm, ProductBar } from './ShopperExtras';

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
    ready: st.ready,
  }));
  const mustAnswer = useStore(chat.host.store, (h) => !h.prechatDone);
  // a 留言 waiting for the next shift is not a transfer in progress
  const leftMessage = useStore(chat.store, (st) => st.status === 'queued' && st.messages.some((m) => m.meta?.leave_message));
  const statusLine =
    s.status === 'assigned' && s.agent
      ? `客服 ${s.agent.name} 为您服务`
      : leftMessage
        ? '留言已提交，客服会尽快回复您'
        : STATUS_LINE[s.status];
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
          {s.queue && s.queue.eta_s == null ? (
            <>
              正在排队，您排在第 <b data-testid="queue-position">{s.queue.position}</b> 位。
              <span data-testid="queue-nobody">暂无客服在线，客服上线后会第一时间回复您</span>
            </>
          ) : s.queue ? (
            <>
              正在排队，您当前排在第 <b data-testid="queue-position">{s.queue.position}</b> 位，预计等待<span data-testid="queue-eta">{etaText(s.queue.eta_s ?? 0)}</span>
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
      {mustAnswer ? (
        <PrechatForm chat={chat} />
      ) : (
        <>
          <ProductBar chat={chat} />
          <Composer chat={chat} canHandoff={canHandoff} handoffBusy={s.handoffBusy} canSendPhotos={s.ready} />
        </>
      )}
      <Lightbox />
    </div>
  );
}
