// One stored message of the open chat: an event line, or a bubble with sender and time (a bot's
// "did you mean" message lists the choices it offered).
import { MessageCard, isCardKind } from '../../shared/CardView';
import { PhotoThumb } from '../../shared/PhotoView';
import { clockTime } from '../../shared/format';
import type { Message } from '../../shared/types';

/** `shopperRead`: how far the shopper has read (已读 / 未读 under my messages). */
export function AgentMessageRow({ m, shopperRead }: { m: Message; shopperRead: number }) {
  if (m.kind === 'event' || m.sender === 'system') {
    return (
      <div class="event-line" data-testid="agent-message" data-sender={m.sender} data-id={m.id}>
        <span data-testid="agent-message-text">{m.text}</span>
      </div>
    );
  }
  const mine = m.sender === 'agent';
  const choices = m.kind === 'suggestions' ? (m.meta?.choices ?? []) : [];
  const image = m.kind === 'image' ? m.meta?.image : undefined;
  return (
    <div
      class={`msg ${mine ? 'msg-mine' : `msg-${m.sender}`}`}
      data-testid="agent-message"
      data-sender={m.sender}
      data-id={m.id}
      data-kind={m.kind}
      data-state={mine ? 'sent' : undefined}
    >
      <div class="msg-meta">
        {m.sender === 'agent' ? m.sender_name || '客服' : m.sender === 'bot' ? `机器人${m.sender_name ? `（${m.sender_name}）` : ''}` : m.sender_name || '顾客'} ·{' '}
        {clockTime(m.created_at)}
        {mine && (
          <span
            class={`sent-mark ${m.seq <= shopperRead ? 'read' : 'unread'}`}
            data-testid="agent-message-read"
            data-read={m.seq <= shopperRead ? 'true' : 'false'}
          >
            {m.seq <= shopperRead ? ' 已读' : ' 未读'}
          </span>
        )}
      </div>
      <div class={`msg-bubble ${image ? 'msg-photo' : ''} ${isCardKind(m.kind) ? 'msg-card' : ''}`}>
        {image ? (
          <PhotoThumb image={image} testid="agent-message-image" />
        ) : isCardKind(m.kind) && m.meta?.card ? (
          <MessageCard kind={m.kind} card={m.meta.card} testid="agent-message" />
        ) : (
          <span class="text" data-testid="agent-message-text">
            {m.text}
          </span>
        )}
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
