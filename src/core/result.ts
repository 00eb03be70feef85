/** Untrusted input is parsed into a value or an error, never thrown (DESIGN.md §6.2). */
export type Result<T, E> = { readonly value: T; readonly error?: undefined } | { readonly error: E; readonly value?: undefined };

export const ok = <T>(value: T): { readonly value: T } => ({ value });
export const err = <E>(error: E): { readonly error: E } => ({ error });
