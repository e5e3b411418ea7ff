import type { SessionInfo } from './api-types';

/** An answer of the API that is not a success, with its status and the API's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// The CSRF token of the session: held in memory only (the cookie is HttpOnly; the key itself is never kept).
let csrfToken: string | undefined;
export const setCsrfToken = (token: string | undefined): void => void (csrfToken = token);

/** A request to the API on this origin with the session cookie; state-changing ones carry the CSRF token. */
export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers.set('x-csrf-token', csrfToken);
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const res = await fetch(path, { ...init, method, headers, credentials: 'same-origin' });
  if (!res.ok) throw new ApiError(res.status, await messageOf(res));
  return res;
}

/** GET (or another method) answering JSON. */
export async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await api(path, init);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

async function messageOf(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { message?: string | string[] };
    return Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? res.statusText);
  } catch {
    return res.statusText;
  }
}

export const signIn = async (key: string): Promise<SessionInfo> => {
  const s = await apiJson<SessionInfo>('/v1/session', { method: 'POST', body: JSON.stringify({ key }) });
  setCsrfToken(s.csrfToken);
  return s;
};

/** The current session, or null when signed out (401). */
export const currentSession = async (): Promise<SessionInfo | null> => {
  try {
    const s = await apiJson<SessionInfo>('/v1/session');
    setCsrfToken(s.csrfToken);
    return s;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
};

export const signOut = async (): Promise<void> => {
  await api('/v1/session', { method: 'DELETE' });
  setCsrfToken(undefined);
};

export const enc = encodeURIComponent;
