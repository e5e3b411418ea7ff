import { cookieValue, isSafeMethod, sessionCookie } from './session.cookie';

describe('the session cookie', () => {
  it('reads one cookie among several, whatever the spacing', () => {
    expect(cookieValue('a=1; trace_session=abc;b=2', 'trace_session')).toBe('abc');
    expect(cookieValue('xtrace_session=abc', 'trace_session')).toBeUndefined();
    expect(cookieValue(undefined, 'trace_session')).toBeUndefined();
  });

  it('is HttpOnly and SameSite=Strict always, Secure only over HTTPS', () => {
    const plain = sessionCookie('t', { secure: false, maxAgeSeconds: 60 });
    expect(plain).toBe('trace_session=t; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(sessionCookie('t', { secure: true, maxAgeSeconds: 60 })).toMatch(/; Secure$/);
  });

  it('needs a CSRF token for every method but GET, HEAD and OPTIONS', () => {
    expect(['GET', 'HEAD', 'OPTIONS'].every(isSafeMethod)).toBe(true);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].some(isSafeMethod)).toBe(false);
  });
});
