import { ApiProperty } from '@nestjs/swagger';
import { IsId } from '@trace/contracts';

export class SerialParams {
  @ApiProperty({ description: 'The unit serial number', maxLength: 128, example: 'SN-DEMO-0001' })
  @IsId()
  serial: string;
}
