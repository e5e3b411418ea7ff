import { EventRetractedData } from './value';

/**
 * The message key a retraction names by itself: the retracted event id. A producer sends it under the retracted event's
 * own key instead (retractionMessage); the data alone cannot say that key.
 */
export const retractionKey = (data: EventRetractedData): string => data.retractedEventId;
