// REST calls of the agent panel (docs/protocol.md, "REST"): JSON with a Bearer token. A 401
// anywhere means the token is gone, and the panel returns to the login page.
import type { AgentProfile, Conversation, Message, Phrase } from '../shared/types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'network', '网络连接失败');
  }
  const data = (await res.json().catch(() => null)) as
    | (T & { error?: { code: string; message: string } })
    | null;
  if (!res.ok) {
    const err = data?.error;
    throw new ApiError(res.status, err?.code ?? (res.status === 401 ? 'unauthorized' : 'unavailable'), err?.message ?? res.statusText);
  }
  return data as T;
}

export interface LoginResult {
  token: string;
  agent: AgentProfile;
}

export interface ConversationWithMessages {
  conversation: Conversation;
  messages: Message[];
}

export const api = {
  login: (username: string, password: string) =>
    request<LoginResult>('POST', '/api/auth/login', null, { username, password }),
  logout: (token: string) => request<{ ok: boolean }>('POST', '/api/auth/logout', token),
  me: (token: string) => request<{ agent: AgentProfile }>('GET', '/api/me', token),
  conversation: (token: string, id: number) =>
    request<ConversationWithMessages>('GET', `/api/conversations/${id}`, token),
  visitorConversations: (token: string, visitorId: number) =>
    request<{ items: ConversationWithMessages[] }>('GET', `/api/visitors/${visitorId}/conversations`, token),
  phrases: (token: string) => request<{ items: Phrase[] }>('GET', '/api/phrases', token),
};
