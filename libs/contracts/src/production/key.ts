/** The message key on trace.production.v1: the serial (the parent, for an assembly). */
export const productionKey = (data: { serial: string }): string => data.serial;
