import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { BooleanQuery } from '../common/query';
import { AsOfQuery } from '../common/as-of.query';

export class GenealogyQuery {
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Also what the unit once contained and rework took out, marked removed, and what was retracted, marked retracted (with the reason and the retraction\'s provenance)' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean({ message: 'history must be true or false' })
  history: boolean = false;

  @AsOfQuery()
  asOf?: string;
}
