/** The message key on trace.brand.v1: the brand whose authority the event states. */
export const brandKey = (data: { brand: string }): string => data.brand;
