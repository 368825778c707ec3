// Ratings in the agent panel: a shopper's `rated` merged into my chat and into the shopper's
// loaded history, and the toast that tells me about it.
import type { RatedPayload } from '../shared/events';
import { SCORE_LABELS, type Rating } from '../shared/types';
import type { ConversationWithMessages } from './api';
import { patchChat, type DeskStore } from './deskState';

/** Ratings by id, oldest first; a rating already there is not added twice. */
export function mergeRatings(list: readonly Rating[], more: readonly Rating[]): Rating[] {
  const byId = new Map(list.map((r) => [r.id, r]));
  for (const r of more) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

function withRating(item: ConversationWithMessages, rating: Rating): ConversationWithMessages {
  if (item.conversation.id !== rating.conversation_id) return item;
  return { ...item, ratings: mergeRatings(item.ratings ?? [], [rating]) };
}

export function applyRated(store: DeskStore, p: RatedPayload): void {
  patchChat(store, p.conversation_id, (c) => ({ ratings: mergeRatings(c.ratings, [p.rating]) }));
  store.set((s) => {
    const history = { ...s.history };
    for (const [visitorId, h] of Object.entries(s.history)) {
      if (h.items.some((i) => i.conversation.id === p.conversation_id))
        history[Number(visitorId)] = { ...h, items: h.items.map((i) => withRating(i, p.rating)) };
    }
    return { history };
  });
}

/** "访客 3F2A 评价了您的服务：5 星（非常满意）“…”" */
export function ratedToast(p: RatedPayload, visitorName: string | undefined): string {
  const who = visitorName ? `顾客 ${visitorName}` : '顾客';
  const comment = p.comment ? `：“${p.comment.length > 40 ? `${p.comment.slice(0, 40)}…` : p.comment}”` : '';
  return `${who} 评价了您的服务：${p.score} 星（${SCORE_LABELS[p.score] ?? ''}）${comment}`;
}
