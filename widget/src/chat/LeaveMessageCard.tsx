// 留言 in the message list, right after the bot's line that offers it (nobody can answer now):
// a button, then a small phone-friendly form (the message, an optional phone number and order
// number). Once sent, the 留言 is the shopper's own message in the list and the card goes.
import { useState } from 'preact/hooks';
import { useStore } from '../shared/store';
import type { ShopperChat } from './client';
import { LEAVE_TEXT_LIMIT, type ShopperLeaveMessage } from './leaveMessage';

export function LeaveMessageCard({ chat }: { chat: ShopperChat }) {
  const form = useStore(chat.leave.store, (f) => f);
  if (!form.open) {
    return (
      <div class="leave-offer">
        <button type="button" class="leave-open" data-testid="leave-message-open" onClick={() => chat.leave.open()}>
          我要留言
        </button>
      </div>
    );
  }
  return <LeaveMessageForm leave={chat.leave} sending={form.sending} errors={form.errors} />;
}

interface FormProps {
  leave: ShopperLeaveMessage;
  sending: boolean;
  errors: Partial<Record<string, string>>;
}

function LeaveMessageForm({ leave, sending, errors }: FormProps) {
  const [text, setText] = useState('');
  const [phone, setPhone] = useState('');
  const [orderNo, setOrderNo] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    void leave.submit(text, phone, orderNo);
  };
  return (
    <form class="leave-card" data-testid="leave-message-form" onSubmit={submit} aria-labelledby="leave-title">
      <div class="leave-title" id="leave-title">
        给客服留言
      </div>
      <label class="leave-label" for="leave-text">
        留言内容
      </label>
      <textarea
        id="leave-text"
        class="leave-input"
        data-testid="leave-message-text"
        rows={3}
        maxLength={LEAVE_TEXT_LIMIT}
        placeholder="请描述您的问题，客服上班后会第一时间回复您"
        value={text}
        onInput={(e) => (setText((e.target as HTMLTextAreaElement).value), leave.edited('text'))}
      />
      <div class="rating-count">
        {text.length}/{LEAVE_TEXT_LIMIT}
      </div>
      {errors.text && <FieldError testid="leave-error-text" text={errors.text} />}
      <label class="leave-label" for="leave-phone">
        联系电话（选填）
      </label>
      <input
        id="leave-phone"
        class="leave-input"
        data-testid="leave-message-phone"
        type="tel"
        inputMode="tel"
        autoComplete="tel"
        maxLength={24}
        value={phone}
        onInput={(e) => (setPhone((e.target as HTMLInputElement).value), leave.edited('phone'))}
      />
      {errors.phone && <FieldError testid="leave-error-phone" text={errors.phone} />}
      <label class="leave-label" for="leave-order">
        订单号（选填）
      </label>
      <input
        id="leave-order"
        class="leave-input"
        data-testid="leave-message-order"
        inputMode="text"
        maxLength={40}
        value={orderNo}
        onInput={(e) => (setOrderNo((e.target as HTMLInputElement).value), leave.edited('order_no'))}
      />
      {errors.order_no && <FieldError testid="leave-error-order" text={errors.order_no} />}
      {errors.form && <FieldError testid="leave-error-form" text={errors.form} />}
      <div class="rating-actions">
        <button type="button" class="rating-skip" data-testid="leave-message-cancel" onClick={() => leave.close()}>
          取消
        </button>
        <button type="submit" class="rating-submit" data-testid="leave-message-submit" disabled={sending}>
          {sending ? '提交中…' : '提交留言'}
        </button>
      </div>
    </form>
  );
}

function FieldError({ testid, text }: { testid: string; text: string }) {
  return (
    <div class="rating-error" data-testid={testid} role="alert">
      {text}
    </div>
  );
}
