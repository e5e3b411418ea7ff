import { ExecutionContext, ServiceUnavailableException } from '@nestjs/common';
import { AccessLogEntry, AccessLogRepository } from '@trace/access';
import { lastValueFrom, of } from 'rxjs';
import { AccessLogInterceptor } from './access-log.interceptor';
import { ACCESS_LOG_LOCAL, PendingEntry } from './access-log.middleware';

const contextOf = (entry: PendingEntry): ExecutionContext =>
  ({
    switchToHttp: () => ({
      getRequest: () => ({ method: 'POST', originalUrl: '/v1/lots/L-1/hold?x=1', principal: { keyId: 'k1', role: 'quality', scope: { kind: 'site' } } }),
      getResponse: () => ({ locals: { [ACCESS_LOG_LOCAL]: entry } }),
    }),
  }) as unknown as ExecutionContext;

describe('AccessLogInterceptor (fail closed)', () => {
  it('writes the entry, naming the key, before the handler runs', async () => {
    const order: string[] = [];
    const written: AccessLogEntry[] = [];
    const log = { append: (e: AccessLogEntry) => (order.push('log'), written.push(e), Promise.resolve()) } as unknown as AccessLogRepository;
    const entry = new PendingEntry('0'.repeat(24), new Date().toISOString(), 0);
    const answer = await lastValueFrom(new AccessLogInterceptor(log).intercept(contextOf(entry), { handle: () => (order.push('handler'), of('done')) }));
    expect(answer).toBe('done');
    expect(order).toEqual(['log', 'handler']);
    expect(written).toEqual([expect.objectContaining({ keyId: 'k1', path: '/v1/lots/L-1/hold', query: [['x', '1']], status: null })]);
    expect(entry.opened).toBe(true);
    await expect(entry.handled).resolves.toBeUndefined();
  });

  it('does not run the handler when the entry cannot be written, and answers 503', async () => {
    let ran = false;
    const log = { append: () => Promise.reject(new Error('insert failed')) } as unknown as AccessLogRepository;
    const entry = new PendingEntry('0'.repeat(24), new Date().toISOString(), 0);
    const interceptor = new AccessLogInterceptor(log);
    (interceptor as unknown as { logger: { error: () => void } }).logger = { error: () => undefined };
    const answer = lastValueFrom(interceptor.intercept(contextOf(entry), { handle: () => ((ran = true), of('done')) }));
    await expect(answer).rejects.toBeInstanceOf(ServiceUnavailableException);
    expect(ran).toBe(false);
    expect(entry.opened).toBe(false);
  });

  it('does not run the handler of a request whose client has already gone', () => {
    let ran = false;
    const log = { append: () => Promise.resolve() } as unknown as AccessLogRepository;
    const entry = new PendingEntry('0'.repeat(24), new Date().toISOString(), 0);
    entry.closedEarly = true;
    expect(() => new AccessLogInterceptor(log).intercept(contextOf(entry), { handle: () => ((ran = true), of('done')) })).toThrow('closed the request');
    expect(ran).toBe(false);
  });
});
