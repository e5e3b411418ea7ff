import { Injectable } from '@nestjs/common';
import { PublicReportKey, ReportKeysRepository } from '@trace/reports';

/** A new report signing key; the previous one retires but stays published. */
@Injectable()
export class RotateReportKeyUseCase {
  constructor(private readonly keys: ReportKeysRepository) {}

  execute(): Promise<PublicReportKey> {
    return this.keys.rotate();
  }
}
