import { Injectable } from '@nestjs/common';
import { PublicReportKey, ReportKeysRepository } from '@trace/reports';

/** Every report key ever used, oldest first: what anyone needs to verify a report offline. */
@Injectable()
export class ListReportKeysUseCase {
  constructor(private readonly keys: ReportKeysRepository) {}

  execute(): Promise<PublicReportKey[]> {
    return this.keys.publicKeys();
  }
}
