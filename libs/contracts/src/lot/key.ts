import { LotMergedData, LotSplicedData, LotSplitData, LotStatusChangedData, SplicePointDetectedData } from './value';

/**
 * The message key on trace.lot.v1: the lot the event is about (the source of a split, the result of a merge, the
 * trailing package of a splice: a chain is known by its last reel's barcode).
 */
export const lotKey = (data: LotSplitData | LotMergedData | LotStatusChangedData | LotSplicedData | SplicePointDetectedData): string =>
  'sourceLotId' in data ? data.sourceLotId : 'trailingLotId' in data ? data.trailingLotId : data.lotId;
