import { toMessage } from '@trace/contracts';
import { FaultOptions, FaultSummary, SimMessage, emptyFaultSummary, injectFaults } from './faults';
import { ShopFloorOptions, shopFloorEvents } from './shop-floor';

/** The clean event stream as Kafka messages (contract topics, keys and JSON values). */
export function* cleanMessages(options: ShopFloorOptions): Generator<SimMessage, void, undefined> {
  for (const event of shopFloorEvents(options)) yield toMessage(event);
}

/** The messages of a simulation with faults injected; `summary` fills in as the stream is read. */
export function simulatedMessages(
  options: ShopFloorOptions,
  faults: Omit<FaultOptions, 'seed'>,
  summary: FaultSummary = emptyFaultSummary(),
): Generator<SimMessage, void, undefined> {
  return injectFaults(cleanMessages(options), { ...faults, seed: options.seed }, summary);
}
