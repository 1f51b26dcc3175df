import { isValidIdentifier } from '../shared/identifier.js';

/**
 * Identifiers cannot travel as query parameters in every statement ClickHouse 24.8 accepts
 * (DDL in particular), so they are interpolated, but only after passing this one check.
 * Values never are: they go through query_params.
 */

declare const validated: unique symbol;
/** A database name that passed {@link databaseName}; the only kind of string SQL builders interpolate. */
export type Database = string & { readonly [validated]: true };

export function databaseName(name: string): Database {
  if (!isValidIdentifier(name))
    throw new Error(`Invalid ClickHouse identifier "${name}": expected [A-Za-z_][A-Za-z0-9_]*.`);
  return name as Database;
}
