// The REST client shared by the agent panel and the admin console (docs/protocol.md, "REST"):
// JSON with a Bearer token; an error answer becomes an ApiError with the server's code and
// message. A 401 anywhere means the token is gone and the page returns to its login.
import type { AgentProfile } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request field the server blames, when it names one. */
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

export async function request<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
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
    | (T & { error?: { code: string; message: string; field?: string } })
    | null;
  if (!res.ok) {
    const err = data?.error;
    throw new ApiError(
      res.status,
      err?.code ?? (res.status === 401 ? 'unauthorized' : 'unavailable'),
      err?.message ?? res.statusText,
      err?.field ?? null,
    );
  }
  return data as T;
}

export function isUnauthorized(e: unknown): boolean {
  return e instanceof ApiError && e.status === 401;
}

export interface LoginResult {
  token: string;
  agent: AgentProfile;
}

/** Login, logout and "who am I": the same for every staff page. */
export const authApi = {
  login: (username: string, password: string) =>
    request<LoginResult>('POST', '/api/auth/login', null, { username, password }),
  logout: (token: string) => request<{ ok: boolean }>('POST', '/api/auth/logout', token),
  me: (token: string) => request<{ agent: AgentProfile }>('GET', '/api/me', token),
};
