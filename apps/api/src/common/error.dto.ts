import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The body of every error answer. */
export class ErrorDto {
  @ApiProperty({ example: 404 }) statusCode: number;
  @ApiProperty({ example: 'Not Found' }) error: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: 'serial "SN-1" is not known' })
  message: string | string[];
  @ApiPropertyOptional({ enum: ['database', 'broker', 'access-log'], description: 'On 503: the dependency that could not be reached' })
  check?: 'database' | 'broker' | 'access-log';
}
