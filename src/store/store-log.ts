/**
 * The logging hook of the store: a message and allow-listed fields (never
 * SQL parameters, credit payloads or passwords).
 */
export type StoreLog = (msg: string, fields?: object) => void;

/** A log function that drops everything. */
export const silentLog: StoreLog = () => {};
