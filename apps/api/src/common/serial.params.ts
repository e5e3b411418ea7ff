import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId } from '@trace/contracts';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

export class SerialParams {
  @ApiProperty({ description: 'The unit serial number', maxLength: 128, example: 'SN-DEMO-0001' })
  @IsId()
  serial: string;
}

export class GenealogyQuery {
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Also what the unit once contained and rework took out, marked removed' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'history must be true or false' })
  history: boolean = false;
}
