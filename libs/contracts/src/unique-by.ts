import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** An array whose elements have distinct values of `field` (or are distinct themselves, without a field). */
export function UniqueBy(field?: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'uniqueBy',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate(value: unknown): boolean {
          if (!Array.isArray(value)) return true; // IsArray reports that
          const keys = value.map((v: unknown) =>
            field && v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[field] : v,
          );
          return new Set(keys).size === keys.length;
        },
        defaultMessage(args: ValidationArguments): string {
          return field
            ? `${args.property} must not repeat a ${field}`
            : `${args.property} must not repeat a value`;
        },
      },
    });
  };
}
