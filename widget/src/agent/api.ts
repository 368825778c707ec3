// REST calls of the agent panel (docs/protocol.md, "REST"), on the shared client. A 401
// anywhere means the token is gone, and the panel returns to the login page.
import { authApi, request } from '../shared/api';
import type { Complaint } from '../shared/complaints';
import type { Conversation, Message, Note, Phrase, Rating } from '../shared/types';

export { ApiError, type LoginResult } from '../shared/api';

export interface ConversationWithMessages {
  conversation: Conversation;
  messages: Message[];
  notes?: Note[];
  /** The shopper's ratings of this conversation's service rounds, oldest first. */
  ratings?: Rating[];
  complaints?: Complaint[];
}

export const api = {
  ...authApi,
  conversation: (token: string, id: number) =>
    request<ConversationWithMessages>('GET', `/api/conversations/${id}`, token),
  visitorConversations: (token: string, visitorId: number) =>
    request<{ items: ConversationWithMessages[] }>('GET', `/api/visitors/${visitorId}/conversations`, token),
  phrases: (token: string) => request<{ items: Phrase[] }>('GET', '/api/phrases', token),
  searchPhrases: (token: string, query: string) =>
    request<{ items: Phrase[] }>('GET', `/api/phrases/search?q=${encodeURIComponent(query)}`, token),
};
