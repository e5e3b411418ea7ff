import { Injectable } from '@nestjs/common';
import { ApiKeyInfo, ApiKeysRepository, Principal } from '@trace/access';

export interface ListKeysCommand {
  caller: Principal;
}

/** The keys within the admin's scope. */
@Injectable()
export class ListKeysUseCase {
  constructor(private readonly keys: ApiKeysRepository) {}

  execute({ caller }: ListKeysCommand): Promise<ApiKeyInfo[]> {
    return this.keys.list(caller.scope);
  }
}
