// The rating card's state (满意度): asked once per service round after a person served the
// shopper (`closed.rating`, and `session.rating` after a reload), submitted as `rate`, or skipped.
// A skipped round is remembered in localStorage, so a reload does not ask again.
import type { RatedPayload, RatePayload } from '../shared/events';
import { Store, storage } from '../shared/store';
import type { Ack, PersonRef, Rating, RatingPrompt } from '../shared/types';

export type RatingCard =
  | { phase: 'hidden' }
  | { phase: 'open'; round: number; agent: PersonRef | null; sending: boolean; error: string | null }
  /** Rated (here or in another tab), or the server says this round is over: a closing line. */
  | { phase: 'done'; round: number; score: number | null; text: string };

const THANKS = '感谢您的评价！我们会继续努力，为您提供更好的服务。';
const SORRY = '感谢您的反馈，很抱歉这次没能让您满意，我们会认真改进。';

/** A low score gets an apology rather than a cheerful thank-you. */
function thanksFor(score: number): string {
  return score >= 4 ? THANKS : SORRY;
}

const SEND_ERROR: Record<string, string> = {
  timeout: '网络不稳定，提交超时，请再试一次',
  unavailable: '服务暂时不可用，请稍后再试',
  rate_limited: '提交太频繁了，请稍后再试',
};

export class ShopperRating {
  readonly store = new Store<{ card: RatingCard }>({ card: { phase: 'hidden' } });

  constructor(
    private readonly shop: string,
    private readonly transmit: (payload: RatePayload) => Promise<Ack<{ rating: Rating }>>,
    private readonly connected: () => boolean,
  ) {}

  private show(card: RatingCard): void {
    this.store.set({ card });
  }

  private get skippedKey(): string {
    return `chatserver:rating-skipped:${this.shop}`;
  }

  /** What the server says now (`closed` or `session`). A thank-you already shown stays. */
  prompt(p: RatingPrompt | undefined): void {
    const card = this.store.state.card;
    if (!p?.requested || p.round == null) {
      if (card.phase === 'open') this.show({ phase: 'hidden' });
      return;
    }
    if (card.phase !== 'hidden' && card.round === p.round) return;
    if (storage.get(this.skippedKey) === String(p.round)) return;
    this.show({ phase: 'open', round: p.round, agent: p.agent ?? null, sending: false, error: null });
  }

  skip(): void {
    const card = this.store.state.card;
    if (card.phase !== 'open') return;
    storage.set(this.skippedKey, String(card.round));
    this.show({ phase: 'hidden' });
  }

  async submit(score: number, comment: string): Promise<void> {
    const card = this.store.state.card;
    if (card.phase !== 'open' || card.sending) return;
    if (!this.connected()) {
      this.show({ ...card, error: '网络已断开，恢复连接后再提交' });
      return;
    }
    this.show({ ...card, sending: true, error: null });
    const text = comment.trim();
    const ack = await this.transmit({ score, ...(text ? { comment: text } : {}) });
    if (ack.ok) {
      this.show({ phase: 'done', round: card.round, score: ack.rating.score, text: thanksFor(ack.rating.score) });
      return;
    }
    const { code, message } = ack.error;
    if (code === 'conflict' || code === 'forbidden') {
      // already rated (another tab), or a new round began: nothing left to rate here
      this.show({ phase: 'done', round: card.round, score: null, text: message });
      return;
    }
    this.show({ ...card, sending: false, error: SEND_ERROR[code] ?? message ?? '提交失败，请稍后再试' });
  }

  /** Rated in another tab of this shopper. */
  rated(p: RatedPayload): void {
    this.show({ phase: 'done', round: p.rating.round, score: p.score, text: thanksFor(p.score) });
  }
}
