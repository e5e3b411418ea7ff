import { ExecutionContext, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessLogEntry, AccessLogRepository } from '@trace/access';
import { defer, lastValueFrom, of, throwError } from 'rxjs';
import { AccessLogInterceptor } from './access-log.interceptor';
import { ACCESS_LOG_LOCAL, PendingEntry } from './access-log.middleware';
import { ReadsWhileLogged } from './auth.decorators';

class Routes {
  @ReadsWhileLogged() read(): void {}
  plain(): void {}
}
/** A GET of a route marked @ReadsWhileLogged (or, `marked` false, of one that is not). */
const getContextOf = (entry: PendingEntry, marked = true): ExecutionContext =>
  ({
    getHandler: () => (marked ? Routes.prototype.read : Routes.prototype.plain),
    switchToHttp: () => ({
      getRequest: () => ({ method: 'GET', originalUrl: '/v1/serials/S-1/genealogy', principal: { keyId: 'k1', role: 'quality', scope: { kind: 'site' } } }),
      getResponse: () => ({ locals: { [ACCESS_LOG_LOCAL]: entry } }),
    }),
  }) as unknown as ExecutionContext;
/** An access log whose one write ends when the test says. */
const heldLog = () => {
  const order: string[] = [];
  let end!: (ok: boolean) => void;
  const log = {
    append: () => (order.push('log started'), new Promise<void>((resolve, reject) => (end = (ok) => (order.push('log ended'), ok ? resolve() : reject(new Error('insert failed')))))),
  } as unknown as AccessLogRepository;
  return { order, log, end: (ok: boolean) => end(ok) };
};
const quiet = (i: AccessLogInterceptor): AccessLogInterceptor => (((i as unknown as { logger: { error: () => void } }).logger = { error: () => undefined }), i);

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

  describe('a GET route marked @ReadsWhileLogged', () => {
    it('starts its handler while the entry is written, and answers only once the entry is durable', async () => {
      const { order, log, end } = heldLog();
      const entry = new PendingEntry('0'.repeat(24), new Date().toISOString(), 0);
      const answer = lastValueFrom(new AccessLogInterceptor(log, new Reflector()).intercept(getContextOf(entry), { handle: () => defer(() => (order.push('handler'), of('done'))) }));
      let answered = false;
      void answer.then(() => (answered = true));
      await new Promise((r) => setImmediate(r));
      expect(order).toEqual(['log started', 'handler']);
      expect(answered).toBe(false);
      end(true);
      expect(await answer).toBe('done');
      expect(entry.opened).toBe(true);
      await expect(entry.handled).resolves.toBeUndefined();
    });

    it('drops the answer and answers 503 when the entry cannot be written', async () => {
      const { log, end } = heldLog();
      const entry = new PendingEntry('0'.repeat(24), new Date().toISOString(), 0);
      const answer = lastValueFrom(quiet(new AccessLogInterceptor(log, new Reflector())).intercept(getContextOf(entry), { handle: () => of('the data') }));
      end(false);
      await expect(answer).rejects.toBeInstanceOf(ServiceUnavailableException);
      expect(entry.opened).toBe(false);
    });

    it('holds an error of the handler (a 404 says something too) until the entry is durable, and gives 503 instead when it is not', async () => {
      for (const ok of [true, false]) {
        const { order, log, end } = heldLog();
        const entry = new PendingEntry('0'.repeat(24), new Date().toISOString(), 0);
        const answer = lastValueFrom(quiet(new AccessLogInterceptor(log, new Reflector())).intercept(getContextOf(entry), { handle: () => throwError(() => new NotFoundException('serial "S-1" is not known')) }));
        const settled = answer.catch((e: unknown) => (order.push('answered'), e));
        await new Promise((r) => setImmediate(r));
        expect(order).toEqual(['log started']);
        end(ok);
        expect(await settled).toBeInstanceOf(ok ? NotFoundException : ServiceUnavailableException);
        expect(order).toEqual(['log started', 'log ended', 'answered']);
      }
    });

    it('is only for GET routes so marked: another route still writes the entry before its handler runs', async () => {
      const { order, log, end } = heldLog();
      const entry = new PendingEntry('0'.repeat(24), new Date().toISOString(), 0);
      const answer = lastValueFrom(new AccessLogInterceptor(log, new Reflector()).intercept(getContextOf(entry, false), { handle: () => defer(() => (order.push('handler'), of('done'))) }));
      await new Promise((r) => setImmediate(r));
      expect(order).toEqual(['log started']);
      end(true);
      expect(await answer).toBe('done');
      expect(order).toEqual(['log started', 'log ended', 'handler']);
    });
  });
});
