// class-transformer publishes its metadata storage's types but not the module path it lives at (as @nestjs/mapped-types
// also reads it): the compiled checks need the @Type classes of nested properties from it.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
