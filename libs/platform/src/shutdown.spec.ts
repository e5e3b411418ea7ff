import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsInt } from 'class-validator';
import { loadEnv } from './env';
import { GreaterThanSetting, ShutdownDeadlineModule } from './shutdown';

describe('ShutdownDeadline', () => {
  const start = async (timeoutMs: number) => {
    const exits: number[] = [];
    const moduleRef = await Test.createTestingModule({ imports: [ShutdownDeadlineModule.forRoot({ timeoutMs, variable: 'X_EXIT_MS', exit: (code) => exits.push(code) })] }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    return { app, exits };
  };

  it('exits with status 1 once the stop after a signal outlasts its bound, and only then', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const before = process.listenerCount('SIGTERM');
    const { app, exits } = await start(50);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    process.emit('SIGTERM', 'SIGTERM'); // as the signal would, with the close hooks (here none) still to run
    expect(process.listenerCount('SIGTERM')).toBe(before); // disarmed: the signal Nest raises again is the default's
    await new Promise((r) => setTimeout(r, 20));
    expect(exits).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(exits).toEqual([1]);
    expect(errors).toHaveBeenCalledWith('stopping: the close after SIGTERM did not end within 50 ms (X_EXIT_MS); exiting with status 1');
    errors.mockRestore();
    await app.close();
  });

  it('leaves no listener behind when the app is closed without a signal (a test world starts and closes apps)', async () => {
    const before = process.listenerCount('SIGINT');
    const { app, exits } = await start(10);
    await app.close();
    expect(process.listenerCount('SIGINT')).toBe(before);
    await new Promise((r) => setTimeout(r, 30));
    expect(exits).toEqual([]);
  });
});

describe('GreaterThanSetting', () => {
  class Env {
    @IsInt() PART_MS: number = 10;
    @IsInt() @GreaterThanSetting('PART_MS') WHOLE_MS: number = 20;
  }

  it('refuses a bound on the whole not above the bound on its part, naming both', () => {
    expect(loadEnv(Env, { PART_MS: '100', WHOLE_MS: '101' }).WHOLE_MS).toBe(101);
    expect(() => loadEnv(Env, { PART_MS: '100', WHOLE_MS: '100' })).toThrow('WHOLE_MS must be greater than PART_MS (100)');
  });
});
