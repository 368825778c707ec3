// 顾客评价: the shopper's ratings of this chat's service rounds, above the reply box.
import { useStore } from '../../shared/store';
import type { AgentDesk } from '../agentDesk';
import { RatingLine } from './RatingStars';

export function ChatRatings({ desk, id }: { desk: AgentDesk; id: number }) {
  const ratings = useStore(desk.store, (s) => s.chats[id]?.ratings ?? []);
  if (!ratings.length) return null;
  return (
    <section class="chat-ratings" data-testid="chat-ratings" aria-label="顾客评价">
      <span class="chat-ratings-title">顾客评价</span>
      <div class="chat-ratings-list">
        {ratings.map((r) => (
          <RatingLine key={r.id} rating={r} testid="chat-rating" />
        ))}
      </div>
    </section>
  );
}
