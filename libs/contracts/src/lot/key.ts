import { LotMergedData, LotSplitData, LotStatusChangedData } from './value';

/** The message key on trace.lot.v1: the lot the event is about (the source of a split, the result of a merge). */
export const lotKey = (data: LotSplitData | LotMergedData | LotStatusChangedData): string =>
  'sourceLotId' in data ? data.sourceLotId : data.lotId;
