import { Injectable } from '@nestjs/common';
import { BrandScope, IdLookup } from '@trace/genealogy';
import type { SearchResultDto } from './search.dto';

export interface SearchCommand {
  q: string;
  scope: BrandScope;
}

/** "What is this id?" — a serial, a package lot or a vendor, by exact id, in the caller's scope. */
@Injectable()
export class SearchUseCase {
  constructor(private readonly lookup: IdLookup) {}

  async execute({ q, scope }: SearchCommand): Promise<SearchResultDto> {
    return { q, matches: await this.lookup.find(q, scope) };
  }
}
