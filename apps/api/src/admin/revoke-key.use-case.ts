import { Injectable, NotFoundException } from '@nestjs/common';
import { ApiKeysRepository, Principal } from '@trace/access';

export interface RevokeKeyCommand {
  id: string;
  caller: Principal;
}

/** Revokes a key within the admin's scope: it stops working at once; 404 for a key outside it or unknown. */
@Injectable()
export class RevokeKeyUseCase {
  constructor(private readonly keys: ApiKeysRepository) {}

  async execute({ id, caller }: RevokeKeyCommand): Promise<void> {
    if (!(await this.keys.revoke(id, caller.scope))) throw new NotFoundException(`no key ${JSON.stringify(id)}`);
  }
}
