// 留言: when nobody can answer now, the bot's line carries `meta.leave_message_offer` and the
// shopper may leave a message (text, optional phone and order number) for the next shift. The
// form's state lives here; the server checks every field and names the one at fault.
import type { LeaveMessagePayload } from '../shared/events';
import { Store } from '../shared/store';
import type { Ack, ConversationStatus, Message } from '../shared/types';

export const LEAVE_TEXT_LIMIT = 500;

export type LeaveField = 'text' | 'phone' | 'order_no';

export interface LeaveFormState {
  open: boolean;
  sending: boolean;
  /** The server's message next to the field at fault, or for the whole form. */
  errors: Partial<Record<LeaveField | 'form', string>>;
}

const SEND_ERROR: Record<string, string> = {
  timeout: '网络不稳定，提交超时，请再试一次',
  unavailable: '服务暂时不可用，请稍后再试',
  rate_limited: '提交太频繁了，请稍后再试',
};

type Transmit = (payload: LeaveMessagePayload) => Promise<Ack<{ message: Message; status: ConversationStatus }>>;

export class ShopperLeaveMessage {
  readonly store = new Store<LeaveFormState>({ open: false, sending: false, errors: {} });
  /** Kept until the server has the message: a retry after a timeout is the same 留言. */
  private clientId: string | null = null;

  constructor(
    private readonly transmit: Transmit,
    private readonly connected: () => boolean,
    private readonly delivered: (message: Message, status: ConversationStatus) => void,
  ) {}

  open(): void {
    this.store.set({ open: true, errors: {} });
  }

  /** The shopper is correcting a field: its old message goes. */
  edited(field: LeaveField): void {
    if (this.store.state.errors[field]) this.store.set({ errors: { ...this.store.state.errors, [field]: undefined } });
  }

  close(): void {
    this.store.set({ open: false, errors: {} });
  }

  async submit(text: string, phone: string, orderNo: string): Promise<void> {
    if (this.store.state.sending) return;
    if (!text.trim()) {
      this.store.set({ errors: { text: '请填写留言内容' } });
      return;
    }
    if (!this.connected()) {
      this.store.set({ errors: { form: '网络已断开，恢复连接后再提交' } });
      return;
    }
    this.clientId ??= `lm-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
    this.store.set({ sending: true, errors: {} });
    const ack = await this.transmit({
      client_id: this.clientId,
      text,
      ...(phone.trim() ? { phone: phone.trim() } : {}),
      ...(orderNo.trim() ? { order_no: orderNo.trim() } : {}),
    });
    if (ack.ok) {
      this.clientId = null;
      this.store.set({ open: false, sending: false, errors: {} });
      this.delivered(ack.message, ack.status);
      return;
    }
    const { code, message, field } = ack.error;
    const where: LeaveField | 'form' =
      field === 'text' || field === 'phone' || field === 'order_no' ? field : 'form';
    this.store.set({ sending: false, errors: { [where]: SEND_ERROR[code] ?? message ?? '提交失败，请稍后再试' } });
  }
}
