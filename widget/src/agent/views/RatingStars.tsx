// A rating as the agent panel shows it: stars, the score's words, and the shopper's comment.
import { clockTime, starText } from '../../shared/format';
import { SCORE_LABELS, type Rating } from '../../shared/types';

export function Stars({ score }: { score: number }) {
  return (
    <span class="stars" role="img" aria-label={`${score} 星，${SCORE_LABELS[score] ?? ''}`}>
      {starText(score)}
    </span>
  );
}

/** One rating on a line; `testid` tells where it is shown (chat pane, history). */
export function RatingLine({ rating, testid }: { rating: Rating; testid: string }) {
  return (
    <div class="rating-line" data-testid={testid} data-score={rating.score} data-rating-id={rating.id}>
      <Stars score={rating.score} />
      <span class="rating-words">{SCORE_LABELS[rating.score]}</span>
      {rating.comment && <span class="rating-comment text">“{rating.comment}”</span>}
      <span class="muted small-text">{clockTime(rating.created_at)}</span>
    </div>
  );
}
