// The rating card (满意度) in the message list, right after the farewell of the round it rates:
// five stars (each a button with its label for screen readers), the chosen label, an optional
// comment, 跳过 / 提交; then a thank-you line. Hidden again once a person is asked for.
import { useState } from 'preact/hooks';
import { useStore } from '../shared/store';
import { COMMENT_LIMIT, SCORE_LABELS, type PersonRef } from '../shared/types';
import type { ShopperChat } from './client';
import type { ShopperRating } from './rating';

const SCORES = [1, 2, 3, 4, 5];

export function RatingCard({ chat }: { chat: ShopperChat }) {
  const card = useStore(chat.rating.store, (r) => r.card);
  const status = useStore(chat.store, (s) => s.status);
  if (card.phase === 'hidden') return null;
  if (card.phase === 'done') {
    return (
      <section class="rating-card rating-done" data-testid="rating-thanks" role="status">
        {card.score != null && (
          <div class="rating-given" aria-label={`您的评价：${card.score} 星，${SCORE_LABELS[card.score]}`}>
            <span class="stars-static" aria-hidden="true">
              {'★'.repeat(card.score)}
              <span class="star-off">{'★'.repeat(5 - card.score)}</span>
            </span>
            <span>{SCORE_LABELS[card.score]}</span>
          </div>
        )}
        <div class="rating-thanks-text">{card.text}</div>
      </section>
    );
  }
  // a person is being asked for or serving again: that is the next round, not this one
  if (status === 'queued' || status === 'assigned') return null;
  return (
    <RatingForm
      key={card.round}
      rating={chat.rating}
      agent={card.agent}
      sending={card.sending}
      error={card.error}
    />
  );
}

interface FormProps {
  rating: ShopperRating;
  agent: PersonRef | null;
  sending: boolean;
  error: string | null;
}

function RatingForm({ rating, agent, sending, error }: FormProps) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  return (
    <section class="rating-card" data-testid="rating-card" aria-labelledby="rating-title">
      <div class="rating-title" id="rating-title">
        请您为本次服务评分
      </div>
      <div class="rating-sub">
        {agent ? `客服 ${agent.name} 的服务您还满意吗？` : '您对本次服务还满意吗？'}
      </div>
      <div class="stars" role="group" aria-label="服务评分（1 到 5 星）">
        {SCORES.map((n) => (
          <button
            type="button"
            key={n}
            class={`star ${n <= score ? 'star-on' : ''}`}
            data-testid="rating-star"
            data-score={n}
            aria-label={`${n} 星，${SCORE_LABELS[n]}`}
            aria-pressed={n === score}
            disabled={sending}
            onClick={() => setScore(n)}
          >
            ★
          </button>
        ))}
      </div>
      <div class="rating-label" data-testid="rating-label" aria-live="polite">
        {score ? SCORE_LABELS[score] : '点击星星为客服打分'}
      </div>
      <textarea
        class="rating-comment"
        data-testid="rating-comment"
        rows={2}
        maxLength={COMMENT_LIMIT}
        value={comment}
        disabled={sending}
        aria-label="评价内容（选填）"
        placeholder="还有什么想对我们说的吗？（选填）"
        onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)}
      />
      <div class="rating-count" aria-hidden="true">
        {comment.length}/{COMMENT_LIMIT}
      </div>
      {error && (
        <div class="rating-error" data-testid="rating-error" role="alert">
          {error}
        </div>
      )}
      <div class="rating-actions">
        <button
          type="button"
          class="rating-skip"
          data-testid="rating-skip"
          disabled={sending}
          onClick={() => rating.skip()}
        >
          跳过
        </button>
        <button
          type="button"
          class="rating-submit"
          data-testid="rating-submit"
          disabled={!score || sending}
          onClick={() => void rating.submit(score, comment)}
        >
          {sending ? '提交中…' : '提交'}
        </button>
      </div>
    </section>
  );
}
