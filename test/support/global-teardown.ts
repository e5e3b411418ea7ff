import type { Backends } from './backends';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __traceBackends?: Backends }).__traceBackends?.stop();
}
