/**
 * Reading CFX JSON the way the SDK writes it: property names compared case-insensitively (the SDK itself has both
 * `TransactionID` and `TransactionId`), `$type` tags ignored, and every field that does not fit recorded with its path,
 * so a message is refused with all of its problems at once.
 */
export class CfxFields {
  private constructor(
    private readonly value: Record<string, unknown>,
    readonly path: string,
    private readonly problems: string[],
  ) {}

  /** Reads `value` as an object; a non-object is one problem, and every read on it then finds nothing. */
  static of(value: unknown, path: string, problems: string[]): CfxFields {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${path} must be an object`);
      return new CfxFields({}, path, problems);
    }
    return new CfxFields(value as Record<string, unknown>, path, problems);
  }

  /** The raw value of a property, by name in any letter case; null counts as absent (the SDK writes nulls). */
  raw(name: string): unknown {
    const wanted = name.toLowerCase();
    for (const [key, v] of Object.entries(this.value)) {
      if (key.toLowerCase() === wanted) return v ?? undefined;
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  string(name: string): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return this.wrong(name, 'a string');
    const trimmed = v.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  number(name: string): number | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.wrong(name, 'a number');
    return v;
  }

  object(name: string): CfxFields | undefined {
    const v = this.raw(name);
    return v === undefined ? undefined : CfxFields.of(v, `${this.path}.${name}`, this.problems);
  }

  /** The items of an array of objects; absent is an empty list. */
  objects(name: string): CfxFields[] {
    const v = this.raw(name);
    if (v === undefined) return [];
    if (!Array.isArray(v)) return this.wrong(name, 'an array') ?? [];
    return v.map((item, i) => CfxFields.of(item, `${this.path}.${name}[${i}]`, this.problems));
  }

  /** Records a problem about this object (a required field missing, a value out of range). */
  problem(message: string): undefined {
    this.problems.push(`${this.path}: ${message}`);
    return undefined;
  }

  private wrong(name: string, what: string): undefined {
    this.problems.push(`${this.path}.${name} must be ${what}`);
    return undefined;
  }
}
