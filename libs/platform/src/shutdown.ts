import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, ShutdownSignal } from '@nestjs/common';
import { registerDecorator, ValidationArguments } from 'class-validator';

/** What ShutdownDeadlineModule.forRoot is given: the bound, the variable that sets it (for the log line), how to exit. */
export interface ShutdownDeadlineSettings {
  timeoutMs: number;
  variable: string;
  exit?: (code: number) => void;
}

const SETTINGS = Symbol('SHUTDOWN_DEADLINE_SETTINGS');
/** The signals enableShutdownHooks() (no arguments) answers with a graceful close. */
const SIGNALS = Object.values(ShutdownSignal) as NodeJS.Signals[];

/**
 * A bound on the whole graceful stop. On a signal Nest runs the close hooks and waits for each without limit, so one
 * that hangs (a driver's close that never answers) keeps the process alive for ever, and the orchestrator's stop
 * becomes a SIGKILL some time later, or nothing. On the first shutdown signal this arms a timer (unref'd: it never
 * keeps alive a process that would end anyway); if the process is still there when it fires, it logs at error level,
 * naming the variable, and exits with status 1, so the stop is seen as the failure it is.
 *
 * Its listeners are added when the app has started and removed when the app closes (a test world's apps start and
 * close many times in one process); the armed timer is never cleared, since the hook that hangs may come after ours.
 */
@Injectable()
export class ShutdownDeadline implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  constructor(@Inject(SETTINGS) private readonly settings: ShutdownDeadlineSettings) {}

  private readonly arm = (signal: NodeJS.Signals): void => {
    this.disarm();
    const { timeoutMs, variable, exit = (code: number) => process.exit(code) } = this.settings;
    setTimeout(() => {
      this.logger.error(`stopping: the close after ${signal} did not end within ${timeoutMs} ms (${variable}); exiting with status 1`);
      exit(1);
    }, timeoutMs).unref();
  };

  private disarm(): void {
    for (const s of SIGNALS) process.removeListener(s, this.arm);
  }

  onApplicationBootstrap(): void {
    for (const s of SIGNALS) process.once(s, this.arm);
  }

  onApplicationShutdown(): void {
    this.disarm();
  }
}

/** The shutdown deadline of an app (see ShutdownDeadline): import it in the app's root module beside enableShutdownHooks(). */
@Module({})
export class ShutdownDeadlineModule {
  static forRoot(settings: ShutdownDeadlineSettings): DynamicModule {
    return { module: ShutdownDeadlineModule, providers: [{ provide: SETTINGS, useValue: settings }, ShutdownDeadline] };
  }
}

/** The setting must be greater than the named sibling setting (a bound on the whole stop above the bound of a part of it). */
export function GreaterThanSetting(property: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'greaterThanSetting',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [property],
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          const other = (args.object as Record<string, unknown>)[property];
          return typeof value !== 'number' || typeof other !== 'number' || value > other; // IsInt reports a non-number
        },
        defaultMessage: (args: ValidationArguments) => `${args.property} must be greater than ${property} (${String((args.object as Record<string, unknown>)[property])})`,
      },
    });
  };
}
