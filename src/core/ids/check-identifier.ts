/**
 * What `credfed ids check` says about one identifier (issue 5, points 1–2):
 * the scheme (forced, detected, ambiguous or the likely one when invalid),
 * the normalized form, valid or not, the rule that failed, and for a valid
 * USCC what its positions say. Pure: no I/O, linear in the input's length.
 *
 * Resident identity numbers are personal data (DESIGN.md §2.5): a result
 * that is, might be or nearly is one is masked unless `reveal` is set.
 */

import { describeUscc } from './uscc.ts';
import { provinceOf } from './divisions.ts';
import { charsetError, emptyError, lengthError, type IdError, type IdRule } from './errors.ts';
import { maskIdentifier, type MaskOptions } from './mask.ts';
import { normalizeIdentifier } from './normalize.ts';
import { bestGuessScheme, CHECKED_SCHEMES, validateIdentifier } from './scheme.ts';

/** The schemes `ids check` detects or can be forced to. */
export type CheckScheme = (typeof CHECKED_SCHEMES)[number];

/** The rule an identifier broke: a validation rule, or 'ambiguous' (valid under more than one scheme). */
export type CheckRule = IdRule | 'ambiguous';

/** How the reported scheme was chosen. */
export type SchemeBasis = 'forced' | 'detected' | 'guessed';

/** What a valid USCC's positions say. Names are undefined when not known; never an error. */
export interface UsccDerivation {
  /** Positions 9–17, the organization code (GB 11714). */
  readonly orgCode: string;
  /** Position 1. */
  readonly authority: string;
  readonly authorityName: string | undefined;
  /** Positions 1–2. */
  readonly entityType: string;
  readonly entityTypeName: string | undefined;
  /** Positions 3–8: the registering authority's division (may be retired). */
  readonly divisionCode: string;
  /** The province-level name of the division's first two digits (GB/T 2260): a routing hint. */
  readonly province: string | undefined;
}

/** The verdict on one input. */
export interface IdentifierCheck {
  /** The input as given; an excerpt when longer than {@link EXCERPT_LENGTH}; masked when {@link personal}. */
  readonly input: string;
  /** The scheme; 'ambiguous' when valid under several ({@link candidates}); undefined when none fits. */
  readonly scheme: CheckScheme | 'ambiguous' | undefined;
  readonly schemeBy: SchemeBasis | undefined;
  /** The canonical form (an excerpt when long; masked when {@link personal}). */
  readonly normalized: string;
  readonly valid: boolean;
  /** The rule that failed; undefined when valid. */
  readonly rule: CheckRule | undefined;
  /** One line for a person: the verdict and, when invalid, why. Never holds more than one character of the input. */
  readonly message: string;
  /** The schemes an ambiguous input is valid under. */
  readonly candidates?: readonly CheckScheme[];
  /** Valid, but no check was possible (a registration number with letters). */
  readonly unverifiable?: true;
  /** Check character: the computed one and the one found; charset: the character found. */
  readonly expected?: string;
  readonly found?: string;
  /** 1-based position of the character to blame. */
  readonly position?: number;
  /** For a valid USCC. */
  readonly derived?: UsccDerivation;
  /** The input is, may be or nearly is a resident identity number (personal data). */
  readonly personal: boolean;
  /** {@link input} and {@link normalized} are masked. */
  readonly masked: boolean;
  /** The input's length in UTF-16 units, when {@link input} is an excerpt. */
  readonly inputLength?: number;
}

export interface CheckOptions {
  /** Validate under this scheme only, instead of detecting. */
  readonly scheme?: CheckScheme;
  /** Show a resident identity number in clear (default: masked). */
  readonly reveal?: boolean;
  /** How much of a personal value stays visible (default first 6, last 4). */
  readonly mask?: MaskOptions;
}

/** Inputs (and normalized forms) longer than this are shown as their first {@link EXCERPT_LENGTH} units and '…'. */
export const EXCERPT_LENGTH = 40;

/**
 * The checked schemes of each length, in {@link CHECKED_SCHEMES} order: the
 * same answer as detectSchemes, without running validators that can only
 * fail on the length.
 */
const SCHEMES_BY_LENGTH: Readonly<Record<number, readonly CheckScheme[]>> = { 9: ['org'], 15: ['regno'], 18: ['uscc', 'ric'] };

const RIC_SHAPE = /^\d{17}[\dX]$/;
const CANONICAL_CHAR = /[^0-9A-Z]/;

/** Is `scheme` one `ids check` knows (for parsing --scheme). */
export function isCheckScheme(scheme: string): scheme is CheckScheme {
  return (CHECKED_SCHEMES as readonly string[]).includes(scheme);
}

/** Checks one identifier: under `options.scheme` when given, else under every scheme it might be. */
export function checkIdentifier(input: string, options: CheckOptions = {}): IdentifierCheck {
  const verdict = options.scheme ? checkForced(input, options.scheme) : checkDetected(input);
  return present(input, verdict, options);
}

/** The verdict before presentation (full input, clear values). */
interface Verdict {
  readonly scheme: CheckScheme | 'ambiguous' | undefined;
  readonly schemeBy: SchemeBasis | undefined;
  readonly normalized: string;
  readonly error?: IdError;
  readonly ambiguous?: readonly CheckScheme[];
  readonly unverifiable?: boolean;
}

function checkForced(input: string, scheme: CheckScheme): Verdict {
  const result = validateIdentifier(scheme, input);
  if (result.error) return { scheme, schemeBy: 'forced', normalized: normalizeIdentifier(input), error: result.error };
  return { scheme, schemeBy: 'forced', normalized: result.value.normalized, unverifiable: result.value.unverifiable };
}

function checkDetected(input: string): Verdict {
  const normalized = normalizeIdentifier(input);
  let schemes: CheckScheme[] = [];
  let unverifiable: boolean | undefined;
  for (const scheme of SCHEMES_BY_LENGTH[normalized.length] ?? []) {
    const result = validateIdentifier(scheme, normalized);
    if (result.error) continue;
    schemes = [...schemes, scheme];
    unverifiable = result.value.unverifiable;
  }
  if (schemes.length > 1) return { scheme: 'ambiguous', schemeBy: 'detected', normalized, ambiguous: schemes };
  if (schemes.length === 1) return { scheme: schemes[0], schemeBy: 'detected', normalized, unverifiable };
  const guess = bestGuessScheme(normalized) as CheckScheme | undefined;
  if (guess) return { scheme: guess, schemeBy: 'guessed', normalized, error: validateIdentifier(guess, normalized).error };
  return { scheme: undefined, schemeBy: undefined, normalized, error: noSchemeError(normalized) };
}

/**
 * Why an input fits no scheme: empty; else a character no scheme allows
 * (reported before the length, so a control character is always named);
 * else a length no checked scheme has.
 */
function noSchemeError(normalized: string): IdError {
  if (normalized.length === 0) return emptyError();
  const bad = normalized.search(CANONICAL_CHAR);
  if (bad >= 0) return charsetError(String.fromCodePoint(normalized.codePointAt(bad) ?? 0), bad, 'any identifier');
  return lengthError('9 (org), 15 (regno) or 18 (uscc, ric)', normalized.length);
}

function isPersonal(v: Verdict): boolean {
  if (v.scheme === 'ric' || v.ambiguous?.includes('ric')) return true;
  return v.error !== undefined && RIC_SHAPE.test(v.normalized);
}

function present(input: string, v: Verdict, options: CheckOptions): IdentifierCheck {
  const personal = isPersonal(v);
  const masked = personal && !options.reveal;
  const error = v.error && masked ? maskError(v.error) : v.error;
  const valid = !v.error && !v.ambiguous;
  // Built field by field (no spreads): this runs once per line of a bulk check.
  const check: Mutable<IdentifierCheck> = {
    input: masked ? maskIdentifier(excerpt(input.trim()), options.mask) : excerpt(input),
    scheme: v.scheme,
    schemeBy: v.schemeBy,
    normalized: masked ? maskIdentifier(excerpt(v.normalized), options.mask) : excerpt(v.normalized),
    valid,
    rule: v.ambiguous ? 'ambiguous' : error?.rule,
    message: message(v, error),
    personal,
    masked,
  };
  if (v.ambiguous) check.candidates = v.ambiguous;
  if (v.unverifiable) check.unverifiable = true;
  if (error) {
    if (error.rule === 'check' && error.expected !== undefined) check.expected = error.expected;
    if ((error.rule === 'check' || error.rule === 'charset') && error.found !== undefined) check.found = error.found;
    if (error.position !== undefined) check.position = error.position;
  }
  if (valid && v.scheme === 'uscc') check.derived = deriveUscc(v.normalized);
  if (input.length > EXCERPT_LENGTH) check.inputLength = input.length;
  return check;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function message(v: Verdict, error: IdError | undefined): string {
  if (v.ambiguous) return `ambiguous: valid as ${v.ambiguous.join(' and ')}; choose a scheme`;
  if (error) return error.message;
  if (v.unverifiable) return 'valid, unverifiable: letters in a registration number leave no check digit to verify';
  return 'valid';
}

/** A date error without the birth date it names. */
function maskError(error: IdError): IdError {
  if (error.rule !== 'date') return error;
  const why = error.found !== undefined ? error.message.replace(`date: ${error.found} `, '') : 'is not acceptable';
  return { rule: 'date', message: `date: the birth date at positions 7–14 ${why}` };
}

function deriveUscc(normalized: string): UsccDerivation | undefined {
  const d = describeUscc(normalized);
  if (!d) return undefined;
  return {
    orgCode: d.orgCode,
    authority: d.authority,
    authorityName: d.authorityName,
    entityType: d.entityType,
    entityTypeName: d.entityTypeName,
    divisionCode: d.divisionCode,
    province: provinceOf(d.divisionCode),
  };
}

/** `text`, or its first {@link EXCERPT_LENGTH} UTF-16 units (never half a surrogate pair) and '…'. */
export function excerpt(text: string): string {
  if (text.length <= EXCERPT_LENGTH) return text;
  let end = EXCERPT_LENGTH;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
