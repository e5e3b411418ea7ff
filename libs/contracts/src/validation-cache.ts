import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

// class-validator looks up a class's rules on every validate call by testing the class against every decorated class
// of the process (`prototype instanceof`, typestack/class-validator#2686), then groups them by property: with the
// contract's dozens of classes that was most of the ingest's CPU per event. A class's own and inherited rules are all
// registered when its module loads, before any instance of it can be validated, so the lookup is memoized per class
// and options (as twentyhq/twenty#24085 does): the rules stay the decorators', only found once.
type Storage = ReturnType<typeof getMetadataStorage> & { __traceMemoized?: true };

/** Memoizes class-validator's per-class rule lookup and grouping in this process's metadata storage (once). */
export function memoizeValidationMetadata(): void {
  const storage = getMetadataStorage() as Storage;
  if (storage.__traceMemoized) return;
  storage.__traceMemoized = true;
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const byTarget = new WeakMap<object, Map<string, ValidationMetadata[]>>();
  const grouped = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = JSON.stringify([schema, always, strictGroups, groups ?? null]);
    const forTarget = byTarget.get(target) ?? byTarget.set(target, new Map()).get(target)!;
    const known = forTarget.get(key);
    if (known) return known;
    const found = lookup(target, schema, always, strictGroups, groups);
    forTarget.set(key, found);
    return found;
  };
  storage.groupByPropertyName = (metadata) => {
    const known = grouped.get(metadata);
    if (known) return known;
    const result = group(metadata);
    grouped.set(metadata, result);
    return result;
  };
}
