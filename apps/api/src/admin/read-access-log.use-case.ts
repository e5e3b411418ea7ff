import { Injectable } from '@nestjs/common';
import { AccessLogRepository, ApiKeysRepository, Principal } from '@trace/access';
import type { AccessLogPageDto } from './admin.dto';

export interface ReadAccessLogCommand {
  caller: Principal;
  keyId?: string;
  since?: string;
  until?: string;
  /** The `next` of the previous page. */
  cursor?: string;
  limit?: number;
}

/** The access log, newest first: a site-wide admin reads every entry, a brand admin those of its brands' keys. */
@Injectable()
export class ReadAccessLogUseCase {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly accessLog: AccessLogRepository,
  ) {}

  async execute({ caller, keyId, since, until, cursor, limit }: ReadAccessLogCommand): Promise<AccessLogPageDto> {
    const keyIds = caller.scope.kind === 'site' ? undefined : (await this.keys.list(caller.scope)).map((k) => k.id);
    return this.accessLog.find({
      ...(keyId ? { keyId } : {}),
      ...(keyIds ? { keyIds } : {}),
      ...(since ? { since: new Date(since) } : {}),
      ...(until ? { until: new Date(until) } : {}),
      ...(cursor ? { before: cursor } : {}),
      limit: limit ?? 100,
    });
  }
}
