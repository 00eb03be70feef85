/**
 * @peculiar/x509, for what node-forge cannot do (CRLs, non-RSA CSR keys).
 * Import it from here only: the polyfill must load before the library
 * loads (tsyringe inside it demands the Reflect metadata polyfill).
 */
import 'reflect-metadata';

export * as x509 from '@peculiar/x509';
