import { IsId, IsText } from '../validators';

/**
 * A correction: the event `retractedEventId` should never have happened (a wrong reel scanned, a unit started under the
 * wrong work order). Sent on the topic of the event it retracts, under the same message key, so it stays in order
 * with the entity's other events. The retracted event's facts stay in the graph; every answer leaves them out.
 */
export class EventRetractedData {
  @IsId() retractedEventId: string;
  @IsText(1024) reason: string;
}
