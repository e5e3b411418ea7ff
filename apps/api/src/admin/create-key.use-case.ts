import { BadRequestException, ForbiddenException, Injectable } from '@nestjs/common';
import { ApiKeyInfo, ApiKeysRepository, Principal, Role, withinScope } from '@trace/access';

export interface CreateKeyCommand {
  role: Role;
  /** The brands the key may see, or `*` for the whole site. */
  brands: string[] | '*';
  label?: string;
  caller: Principal;
}

/** A new API key within the admin's own scope (never wider): the key itself is answered once, and never again. */
@Injectable()
export class CreateKeyUseCase {
  constructor(private readonly keys: ApiKeysRepository) {}

  async execute({ role, brands, label, caller }: CreateKeyCommand): Promise<{ key: string; info: ApiKeyInfo }> {
    if (!withinScope(brands, caller.scope)) throw new ForbiddenException('an admin key makes keys within its own brands only');
    // The brand keeps the authority: an approver speaks for exactly one brand (as the CLI requires too).
    if (role === 'approver' && (brands === '*' || brands.length !== 1)) throw new BadRequestException('an approver key is scoped to exactly one brand');
    return this.keys.create(role, brands, label);
  }
}
