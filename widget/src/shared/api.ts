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
  const json = body !== undefined;
  const res = await send(method, path, token, json ? JSON.stringify(body) : undefined, json ? 'application/json' : null);
  return (await res.json().catch(() => null)) as T;
}

/** A request with a file as its body (or none), answered by a file or JSON: the Response
 * itself, once it is known to be a success. */
export async function send(
  method: string,
  path: string,
  token: string | null,
  body?: BodyInit,
  contentType: string | null = null,
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        Accept: 'application/json',
        ...(contentType ? { 'Content-Type': contentType } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body,
    });
  } catch {
    throw new ApiError(0, 'network', '网络连接失败');
  }
  if (!res.ok) {
    const data = (await res.json().catch(() => null)) as {
      error?: { code: string; message: string; field?: string; rows?: unknown };
    } | null;
    const err = data?.error;
    throw new ApiError(
      res.status,
      err?.code ?? (res.status === 401 ? 'unauthorized' : 'unavailable'),
      err?.message ?? res.statusText,
      err?.field ?? null,
    );
  }
  return res;
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
