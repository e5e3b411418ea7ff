import { ApiProperty } from '@nestjs/swagger';

/** The body of every error answer. */
export class ErrorDto {
  @ApiProperty({ example: 404 }) statusCode: number;
  @ApiProperty({ example: 'Not Found' }) error: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: 'serial "SN-1" is not known' })
  message: string | string[];
}
